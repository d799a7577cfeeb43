"""Rate limits for public forms, counted in the shared cache (Redis in production)."""

import logging
import time

from django.conf import settings
from django.core.cache import cache
from ipware import get_client_ip

logger = logging.getLogger(__name__)


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
    """Count one attempt; True while the attempts in the current window stay within `limit`.

    If the cache is unreachable the attempt is allowed (and logged): a person filing a
    request must not be turned away because Redis is down; the honeypot still applies.
    """
    bucket = int(time.time() // window_seconds)
    cache_key = f"ratelimit:{scope}:{key}:{bucket}"
    try:
        cache.add(cache_key, 0, timeout=window_seconds + 5)
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.set(cache_key, 1, timeout=window_seconds + 5)
            count = 1
    except Exception:
        logger.warning("Limite de débit %s non vérifiée : erreur du cache.", scope, exc_info=True)
        return True
    if count is None:  # the cache answered nothing (lib.cache degrades to « no cache »)
        logger.warning("Limite de débit %s non vérifiée : cache injoignable.", scope)
        return True
    return count <= limit


TOO_MANY_MESSAGE = "Trop d'envois depuis votre connexion : merci de réessayer dans une heure."
