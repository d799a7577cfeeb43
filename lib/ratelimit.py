"""Rate limits for public forms, counted in the shared cache (Redis in production)."""

import time

from django.conf import settings
from django.core.cache import cache
from ipware import get_client_ip


def client_address(request) -> str:
    """The client's address: REMOTE_ADDR, unless the portal runs behind PROXY_COUNT proxies."""
    remote = request.META.get("REMOTE_ADDR", "") or "inconnue"
    if not settings.PROXY_COUNT:
        return remote
    address, _routable = get_client_ip(
        request, proxy_count=settings.PROXY_COUNT, request_header_order=["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    )
    return address or remote


def hit(*, scope: str, key: str, limit: int, window_seconds: int) -> bool:
    """Count one attempt; True while the attempts in the current window stay within `limit`."""
    bucket = int(time.time() // window_seconds)
    cache_key = f"ratelimit:{scope}:{key}:{bucket}"
    cache.add(cache_key, 0, timeout=window_seconds + 5)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=window_seconds + 5)
        count = 1
    return count <= limit
