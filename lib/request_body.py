"""A cap on the size of request bodies, applied before anything reads them.

Django spools a multipart body to disk while it parses it, long before a form checks the
size of each file: without a cap, anyone could make the server read and write hundreds of
megabytes per request. The cap (settings.MAX_REQUEST_BODY_MB) wraps the WSGI application
(cress/wsgi.py), outside Django, because Django builds its request stream from
CONTENT_LENGTH before its first middleware runs:

- a body whose declared Content-Length exceeds the cap is refused with 413 unread;
- a body without one (chunked transfer coding, which Django would otherwise drop
  unread) is read through a CappedStream into a spooled file, at most FILE_UPLOAD_MAX_MEMORY_SIZE
  in memory: reading past the cap stops and answers 413; within the cap the request goes
  on with the body and its length, as if the client had declared it.

The proxy in front should refuse the same bodies first (nginx: client_max_body_size).
"""

import json
import logging
import tempfile

from django.conf import settings
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

READ_SIZE = 64 * 1024


class RequestBodyTooLarge(Exception):
    """More bytes were sent than the cap allows."""


class CappedStream:
    """A WSGI input stream that raises RequestBodyTooLarge once more than `limit` bytes are read."""

    def __init__(self, stream, limit: int):
        self.stream = stream
        self.limit = limit
        self.count = 0

    def read(self, size: int = -1) -> bytes:
        allowed = self.limit + 1 - self.count  # one byte more than allowed tells "too large"
        data = self.stream.read(allowed if size is None or size < 0 else min(size, allowed))
        self.count += len(data)
        if self.count > self.limit:
            raise RequestBodyTooLarge(f"more than {self.limit} bytes")
        return data


def limit_bytes() -> int:
    return settings.MAX_REQUEST_BODY_MB * 1024 * 1024


def declared_length(environ) -> int | None:
    try:
        return int(environ.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None


class LimitRequestBody:
    """WSGI middleware: 413 for a body over settings.MAX_REQUEST_BODY_MB, declared or sent."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        declared = declared_length(environ)
        if declared is not None:
            if declared > limit_bytes():
                return self.refuse(environ, start_response, f"declared {declared} bytes")
            return self.application(environ, start_response)
        # Only a server that marks the end of the input (wsgi.input_terminated: gunicorn)
        # can be read without a length; under any other, Django reads no body at all.
        if "HTTP_TRANSFER_ENCODING" not in environ or not environ.get("wsgi.input_terminated"):
            return self.application(environ, start_response)
        body = tempfile.SpooledTemporaryFile(  # noqa: SIM115 — closed with the response
            max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE, dir=settings.FILE_UPLOAD_TEMP_DIR
        )
        stream = CappedStream(environ["wsgi.input"], limit_bytes())
        try:
            while chunk := stream.read(READ_SIZE):
                body.write(chunk)
        except RequestBodyTooLarge:
            body.close()
            return self.refuse(environ, start_response, "chunked body")
        environ["CONTENT_LENGTH"] = str(body.tell())
        body.seek(0)
        environ["wsgi.input"] = body
        return ClosingResponse(self.application(environ, start_response), body)

    def refuse(self, environ, start_response, what: str):
        logger.warning(
            "Request body over MAX_REQUEST_BODY_MB=%s refused (%s): %s %s",
            settings.MAX_REQUEST_BODY_MB,
            what,
            environ.get("REQUEST_METHOD"),
            environ.get("PATH_INFO"),
        )
        # Imported here: cress/wsgi.py imports this module before Django is set up.
        from lib.api import API_PATH_PREFIX, error_body

        if environ.get("PATH_INFO", "").startswith(API_PATH_PREFIX):  # the API answers JSON, even here
            message = f"Corps de requête trop gros : {settings.MAX_REQUEST_BODY_MB} Mo au plus."
            page, content_type = json.dumps(error_body(message), ensure_ascii=False).encode(), "application/json"
        else:
            page = render_to_string("413.html", {"limit_mb": settings.MAX_REQUEST_BODY_MB}).encode()
            content_type = "text/html; charset=utf-8"
        start_response(
            "413 Content Too Large",
            [
                ("Content-Type", content_type),
                ("Content-Length", str(len(page))),
                ("Cache-Control", "no-store"),
                ("X-Content-Type-Options", "nosniff"),
                ("Content-Security-Policy", "default-src 'none'"),
            ],
        )
        return [page]


class ClosingResponse:
    """The application's response, which also closes the spooled body when the server closes it."""

    def __init__(self, response, body):
        self.response = response
        self.body = body

    def __iter__(self):
        return iter(self.response)

    def close(self):
        try:
            if hasattr(self.response, "close"):
                self.response.close()
        finally:
            self.body.close()
