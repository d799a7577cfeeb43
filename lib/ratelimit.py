"""Rate limits for public forms, counted in the shared cache (Redis in production)."""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
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


@dataclass(frozen=True)
class Submission:
    """What became of a form posted through `submit_within_limit`."""

    done: bool  # the action ran without error
    status: int  # HTTP status for the page shown again: 200 when done, 429 over the limit, 400 otherwise
    result: object = None  # what the action returned


def within_limit(
    request, *, scope: str, limit_setting: str, window_seconds: int = 3600, key: str | None = None
) -> bool:
    """Count one attempt of this client (or of `key`) in `scope`, against the setting named
    `limit_setting`; True while within it. Every limit of the portal is a setting."""
    return hit(
        scope=scope,
        key=key or client_address(request),
        limit=getattr(settings, limit_setting),
        window_seconds=window_seconds,
    )


def submit_within_limit(
    request,
    *,
    scope: str,
    limit_setting: str,
    form,
    action: Callable[[dict], object],
    errors: tuple[type[Exception], ...] = (),
    window_seconds: int = 3600,
    key: str | None = None,
    message: str = TOO_MANY_MESSAGE,
) -> Submission:
    """The one path of a posted public form: rate limit, validate, call the service, show errors.

    Counts the attempt in `scope` per client address (or `key`) against the setting named
    `limit_setting` (attempts per `window_seconds`), then validates the bound `form`, then
    calls `action(form.cleaned_data)`. Over the limit, `message` goes on top of the form; an
    exception of `errors` raised by the action goes there too (a ValidationError's first
    message, else its text), and the page is to be shown again with the returned status.
    """
    if not within_limit(request, scope=scope, limit_setting=limit_setting, window_seconds=window_seconds, key=key):
        form.add_error(None, message)
        return Submission(done=False, status=429)
    if not form.is_valid():
        return Submission(done=False, status=400)
    try:
        result = action(form.cleaned_data)
    except errors as error:
        form.add_error(None, error.messages[0] if isinstance(error, ValidationError) else str(error))
        return Submission(done=False, status=400)
    return Submission(done=True, status=200, result=result)
