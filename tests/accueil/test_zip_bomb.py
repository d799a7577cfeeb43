"""A zip bomb posted as a document (security audit, finding 4).

A DOCX or ODT is a zip archive. Checking its type used to decompress a member whole: a
299 KB file took a server process from 109 MB to 724 MB. Here a 1 MB « .docx » whose
member inflates to 1 000 MB is posted to the real gunicorn server; the worker's peak
resident memory is read from /proc before and after.
"""

import io
import zipfile

import pytest
from django.urls import reverse

from accueil.models import Attachment, Message
from tests.accueil.factories import make_request
from tests.helpers.archives import MIB, docx_bomb
from tests.helpers.webserver import multipart


def test_the_bomb_is_a_valid_zip_of_1000_mb_in_less_than_1_mb():
    bomb = docx_bomb("word/document.xml")
    assert len(bomb) < MIB
    with zipfile.ZipFile(io.BytesIO(bomb)) as archive:
        member = archive.getinfo("word/document.xml")
        assert member.file_size == 1000 * MIB
        with archive.open(member) as stream:
            assert stream.read(4 * MIB) == bytes(4 * MIB)


# The old check read "mimetype" whole (an ODT's first member) whatever the file's name;
# a bomb in "word/document.xml" it accepted without looking.
@pytest.mark.services
@pytest.mark.parametrize("bomb_member", ["mimetype", "word/document.xml"])
def test_a_zip_bomb_docx_is_refused_in_french_within_bounded_memory(web_server, bomb_member):
    intake, token = make_request()
    path = reverse("accueil:suivi", args=[token])
    cookie, csrf_token = web_server.csrf(path)
    content_type, body = multipart(
        {"csrfmiddlewaretoken": csrf_token, "body": "Voici nos statuts."},
        {"documents": ("statuts.docx", docx_bomb(bomb_member))},
    )
    before = web_server.peak_memory_bytes()

    status, _headers, html = web_server.request(
        "POST", path, body=body, headers={"Content-Type": content_type, "Cookie": cookie}
    )

    growth = web_server.peak_memory_bytes() - before
    assert growth < 50 * MIB, f"le worker a pris {growth / MIB:.0f} Mo pour vérifier un fichier de 1 Mo"
    assert status == 400
    assert "« statuts.docx » est une archive anormale" in html
    assert "envoyez-le en PDF" in html
    assert not Attachment.objects.filter(request=intake).exists()
    assert not Message.objects.filter(request=intake, body="Voici nos statuts.").exists()
