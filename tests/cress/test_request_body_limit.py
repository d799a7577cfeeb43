"""Request bodies are capped before anything reads them (security audit, finding 7).

A body over MAX_REQUEST_BODY_MB gets 413 and a French page whether its size is declared
(Content-Length) or not (chunked transfer coding), from the real gunicorn server: the
worker's peak memory and the bytes it read and wrote are read from /proc.
"""

import io
import socket
import threading

import pytest
from django.urls import reverse

from accueil.models import Attachment, Message
from tests.accueil.factories import make_request
from tests.helpers.archives import MIB
from tests.helpers.webserver import multipart

pytestmark = pytest.mark.services

SENT_MIB = 200


def read_response(sock: socket.socket) -> tuple[int, str]:
    """Status and body of the HTTP/1.1 response, read until the server closes."""
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body.decode()


def send_in_background(sock: socket.socket, pieces) -> threading.Thread:
    """The client keeps sending while the server answers, as a real uploader does."""

    def send():
        try:
            for piece in pieces:
                sock.sendall(piece)
        except OSError:  # the server refused and closed: expected
            pass

    thread = threading.Thread(target=send, daemon=True)
    thread.start()
    return thread


def upload_form(web_server, path, *, file_bytes: int):
    """(headers, first part, last part) of a multipart form around a file of `file_bytes` zeros."""
    cookie, csrf_token = web_server.csrf(path)
    content_type, body = multipart({"csrfmiddlewaretoken": csrf_token, "body": "Voici le devis."}, {})
    boundary = content_type.split("boundary=")[1]
    start = (
        body[: -len(f"--{boundary}--\r\n")]
        + (
            f'--{boundary}\r\nContent-Disposition: form-data; name="documents"; filename="devis.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n%PDF-1.4\n"
        ).encode()
    )
    end = f"\r\n--{boundary}--\r\n".encode()
    return {"Content-Type": content_type, "Cookie": cookie}, start, file_bytes - len(b"%PDF-1.4\n"), end


def zeros(count: int, *, piece: int = MIB):
    while count > 0:
        yield bytes(min(piece, count))
        count -= piece


def post(web_server, path, headers: dict, pieces) -> tuple[int, str]:
    sock = socket.create_connection(("127.0.0.1", web_server.port), timeout=60)
    try:
        head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{web_server.port}\r\n"
        head += "".join(f"{name}: {value}\r\n" for name, value in headers.items()) + "\r\n"
        sock.sendall(head.encode())
        sender = send_in_background(sock, pieces)
        status, html = read_response(sock)
        sender.join(timeout=60)
        return status, html
    finally:
        sock.close()


def chunked(pieces):
    for piece in pieces:
        yield f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    yield b"0\r\n\r\n"


def test_a_declared_oversized_body_gets_413_unread_and_nothing_is_written(web_server, settings):
    intake, token = make_request()
    path = reverse("accueil:suivi", args=[token])
    headers, start, file_bytes, end = upload_form(web_server, path, file_bytes=SENT_MIB * MIB)
    headers["Content-Length"] = str(len(start) + file_bytes + len(end))
    memory, io = web_server.peak_memory_bytes(), web_server.io_counters()

    status, html = post(web_server, path, headers, [start, *zeros(file_bytes), end])

    assert status == 413
    assert "Envoi trop volumineux" in html and f"dépasse {settings.MAX_REQUEST_BODY_MB} Mo" in html
    assert web_server.io_counters()["wchar"] - io["wchar"] < MIB, "nothing was spooled to disk"
    assert web_server.peak_memory_bytes() - memory < 50 * MIB
    assert not Attachment.objects.filter(request=intake).exists()
    assert not Message.objects.filter(request=intake, body="Voici le devis.").exists()


def test_a_chunked_oversized_body_gets_413_once_the_cap_is_read(web_server, settings):
    intake, token = make_request()
    path = reverse("accueil:suivi", args=[token])
    headers, start, file_bytes, end = upload_form(web_server, path, file_bytes=SENT_MIB * MIB)
    headers["Transfer-Encoding"] = "chunked"
    memory, io = web_server.peak_memory_bytes(), web_server.io_counters()

    status, html = post(web_server, path, headers, chunked([start, *zeros(file_bytes), end]))

    assert status == 413
    assert "Envoi trop volumineux" in html
    written = web_server.io_counters()["wchar"] - io["wchar"]
    assert written < (settings.MAX_REQUEST_BODY_MB + 1) * MIB, "spooled up to the cap, not the whole body"
    assert web_server.peak_memory_bytes() - memory < 50 * MIB
    assert not Attachment.objects.filter(request=intake).exists()


def test_a_chunked_body_within_the_cap_is_received_whole(web_server):
    intake, token = make_request()
    path = reverse("accueil:suivi", args=[token])
    headers, start, file_bytes, end = upload_form(web_server, path, file_bytes=3 * MIB)
    headers["Transfer-Encoding"] = "chunked"

    status, _html = post(web_server, path, headers, chunked([start, *zeros(file_bytes, piece=100_000), end]))

    assert status == 302
    attachment = Attachment.objects.get(request=intake)
    assert attachment.original_name == "devis.pdf" and attachment.size == 3 * MIB


class UnreadableInput:
    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def call(environ: dict) -> tuple[str, bytes]:
    """LimitRequestBody around an application that answers with the body it read."""
    from wsgiref.util import setup_testing_defaults

    from lib.request_body import LimitRequestBody

    def echo(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        length = int(environ.get("CONTENT_LENGTH") or 0)
        return [environ["wsgi.input"].read(length) if length else b""]

    setup_testing_defaults(environ)
    answer = {}
    response = LimitRequestBody(echo)(environ, lambda status, headers: answer.update(status=status))
    try:
        return answer["status"], b"".join(response)
    finally:
        if hasattr(response, "close"):
            response.close()


def test_the_cap_is_the_setting_read_at_each_request(settings):
    settings.MAX_REQUEST_BODY_MB = 1
    status, page = call({"REQUEST_METHOD": "POST", "CONTENT_LENGTH": str(MIB + 1), "wsgi.input": UnreadableInput()})
    assert status.startswith("413") and "dépasse 1 Mo" in page.decode()
    body = io.BytesIO(b"x" * MIB)
    assert call({"REQUEST_METHOD": "POST", "CONTENT_LENGTH": str(MIB), "wsgi.input": body}) == ("200 OK", b"x" * MIB)


def test_a_body_without_length_is_read_only_from_a_server_that_marks_its_end(settings):
    settings.MAX_REQUEST_BODY_MB = 1
    chunked = {"REQUEST_METHOD": "POST", "HTTP_TRANSFER_ENCODING": "chunked", "wsgi.input_terminated": True}
    assert call({**chunked, "wsgi.input": io.BytesIO(b"y" * 1000)}) == ("200 OK", b"y" * 1000)
    status, _page = call({**chunked, "wsgi.input": io.BytesIO(b"y" * (MIB + 1))})
    assert status.startswith("413")
    # Without wsgi.input_terminated, reading past the headers could block: left to Django,
    # which reads no body without a length.
    unterminated = {**chunked, "wsgi.input_terminated": False, "wsgi.input": UnreadableInput()}
    assert call(unterminated) == ("200 OK", b"")
