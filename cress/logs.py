"""Structured logs (issue 14, point 4): one JSON object per line, each with the request id of the
request (or of the request that queued the Celery task) it belongs to.

- `RequestLogMiddleware`, first in MIDDLEWARE: takes the proxy's `X-Request-ID` when it looks
  like one (else makes one), returns it in the response's `X-Request-ID`, and writes one line
  per request: method, the URL pattern (never the path itself, which may carry a private
  link's token; a path that matched nothing is written with its long segments masked),
  status, duration, and the user as a keyed hash (never an id, an email or a name).
- `RequestIdFilter` puts the current id on every record, so that every line a request or a
  task writes carries it; `JsonFormatter` writes the record as JSON (`LOG_FORMAT=json`, the
  default in production).
- Celery: the id travels in the task message's headers (`before_task_publish`) and is the
  current one while the worker runs the task (`task_prerun` / `task_postrun`).

Nothing else of a request is logged: no query string, no body, no header, no cookie.
"""

import hashlib
import hmac
import json
import logging
import re
import time
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime

from django.conf import settings

_request_id: ContextVar[str] = ContextVar("request_id", default="")
_VALID_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{7,63}")
_TOKEN_LIKE = re.compile(r"[^/\s]{20,}")
HEADER = "X-Request-ID"
logger = logging.getLogger("cress.requests")


def current_request_id() -> str:
    return _request_id.get()


def user_hash(user_id) -> str:
    """The same short, keyed hash for the same user across lines; not reversible without
    SECRET_KEY, and nothing that names the person."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"utilisateur:{user_id}".encode(), hashlib.sha256).hexdigest()[:16]


def _masked(text: str) -> str:
    return _TOKEN_LIKE.sub("…", text)


class RequestIdFilter(logging.Filter):
    """Puts the current request id on the record; masks the long segments of the paths that
    Django's own loggers write (« Not Found: /accompagnement/suivi/<token>/ »), since a private
    link's token is one."""

    def filter(self, record):
        if not getattr(record, "request_id", None):
            record.request_id = _request_id.get() or "-"
        if record.name.startswith("django.") and not getattr(record, "masked", False):
            record.msg, record.args, record.masked = _masked(record.getMessage()), (), True
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, request id, and
    the request's or task's fields when the record has them."""

    FIELDS = ("method", "route", "path", "status", "duration_ms", "user", "task", "task_id")

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        for name in self.FIELDS:
            if hasattr(record, name):
                entry[name] = getattr(record, name)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.quiet_prefix = settings.STATIC_URL or "/static/"

    def __call__(self, request):
        incoming = request.headers.get(HEADER, "")
        request_id = incoming if _VALID_ID.fullmatch(incoming) else uuid.uuid4().hex
        # Kept until the request is finished (`forget_request_id`), so that Django's own lines
        # about this response, written after the middleware returns, carry it too.
        _request_id.set(request_id)
        started = time.perf_counter()
        response = self.get_response(request)
        response[HEADER] = request_id
        if not request.path.startswith(self.quiet_prefix):
            self._log(request, response, started)
        return response

    def _log(self, request, response, started):
        fields = {
            "method": request.method,
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
        }
        match = getattr(request, "resolver_match", None)
        if match is not None:
            fields["route"] = "/" + match.route.lstrip("^")
        else:
            fields["path"] = _masked(request.path)
        # Only a user the request already loaded: logging never costs a session query.
        user = getattr(request, "_cached_user", None)
        if user is not None and user.is_authenticated:
            fields["user"] = user_hash(user.pk)
        where = fields.get("route") or fields.get("path")
        level = logging.ERROR if response.status_code >= 500 else logging.INFO
        logger.log(level, "%s %s %s", request.method, where, response.status_code, extra=fields)


def forget_request_id(**kwargs):
    """request_finished: the lines written between two requests carry no id."""
    _request_id.set("")


# --- Celery -------------------------------------------------------------------------------


def carry_request_id(headers=None, **kwargs):
    """before_task_publish: the task message carries the id of the request that queued it."""
    request_id = _request_id.get()
    if request_id and headers is not None:
        headers.setdefault("request_id", request_id)


_task_tokens = {}


def adopt_request_id(task_id=None, task=None, **kwargs):
    """task_prerun: the worker's lines for this task carry the id it was queued with (or a
    new one for a task beat started)."""
    request = getattr(task, "request", None)
    request_id = None
    if request is not None:
        request_id = getattr(request, "request_id", None) or (getattr(request, "headers", None) or {}).get("request_id")
    if not (isinstance(request_id, str) and _VALID_ID.fullmatch(request_id)):
        request_id = uuid.uuid4().hex
    _task_tokens[task_id] = _request_id.set(request_id)


def drop_request_id(task_id=None, **kwargs):
    """task_postrun: back to no id."""
    token = _task_tokens.pop(task_id, None)
    try:
        if token is not None:
            _request_id.reset(token)
    except ValueError:  # set in another context (a pool that switched threads)
        _request_id.set("")
