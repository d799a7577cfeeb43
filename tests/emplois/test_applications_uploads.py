"""lib.uploads refuses PDFs carrying active content (scripts, launch actions, embedded files,
automatic actions), read in the raw bytes, escaped names included; a plain PDF passes."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from emplois.applications import APPLICATION_KINDS
from lib import uploads
from lib.uploads import pdf_active_content, validate_document

MAX = 5 * 1024 * 1024
PLAIN = (
    b"%PDF-1.7\n1 0 obj<</Type/Catalog/Pages 2 0 R/OpenAction[3 0 R/Fit]>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R>>endobj\n"
    b"4 0 obj<</JSONish true/AAA 1/Author(Josette Hoarau)>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def pdf(body: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("cv.pdf", b"%PDF-1.6\n" + body + b"\n%%EOF\n", "application/pdf")


@pytest.mark.parametrize(
    ("body", "found"),
    [
        (b"1 0 obj<</S/JavaScript/JS(app.alert(1))>>endobj", "/JavaScript"),
        (b"1 0 obj<</OpenAction<</S/JavaScript/JS 5 0 R>>>>endobj", "/OpenAction"),
        (b"1 0 obj<</OpenAction<</S/Launch/F(calc.exe)>>>>endobj", "/Launch"),
        (b"1 0 obj<</Names<</EmbeddedFiles 2 0 R>>>>endobj", "/EmbeddedFiles"),
        (b"1 0 obj<</Type/EmbeddedFile/Length 10>>stream\nxxxxxxxxxx\nendstream endobj", "/EmbeddedFile"),
        (b"1 0 obj<</Type/Page/AA<</O 3 0 R>>>>endobj", "/AA"),
        (b"1 0 obj<</S/J#61vaScript/J#53(x)>>endobj", "/JavaScript"),  # « #61 » is « a »: the same name
        (b"1 0 obj<</S/SubmitForm/F(https://exemple.re)>>endobj", "/SubmitForm"),
    ],
)
def test_active_content_is_found_and_refused_with_a_french_message(body, found):
    upload = pdf(body)
    name = pdf_active_content(upload)
    assert name is not None
    if found != "/OpenAction":
        assert name == found
    with pytest.raises(ValidationError) as refusal:
        validate_document(upload, max_bytes=MAX, kinds=APPLICATION_KINDS)
    assert refusal.value.code == "active_pdf"
    assert "« cv.pdf » contient du contenu actif" in refusal.value.messages[0]
    assert upload.tell() == 0, "the upload is left ready to be stored"


def test_a_plain_pdf_passes_even_with_look_alike_words():
    upload = SimpleUploadedFile("cv.pdf", PLAIN, "application/pdf")
    assert pdf_active_content(upload) is None
    assert validate_document(upload, max_bytes=MAX, kinds=APPLICATION_KINDS) == "pdf"


def test_a_name_cut_by_a_chunk_boundary_is_still_read_whole(monkeypatch):
    monkeypatch.setattr(uploads, "_PDF_CHUNK", 64)
    for padding in range(40, 70):
        body = b"%PDF-1.4\n" + b" " * padding + b"<</S/JavaScript>>" + b" " * 100
        assert pdf_active_content(SimpleUploadedFile("cv.pdf", body)) == "/JavaScript", padding
        harmless = b"%PDF-1.4\n" + b" " * padding + b"<</JSONData 1>>" + b" " * 100
        assert pdf_active_content(SimpleUploadedFile("cv.pdf", harmless)) is None, padding


def test_the_check_can_be_turned_off_where_a_caller_must_keep_such_pdfs():
    upload = pdf(b"1 0 obj<</S/JavaScript>>endobj")
    assert validate_document(upload, max_bytes=MAX, refuse_active_pdf=False) == "pdf"


def test_a_renamed_executable_and_an_oversized_file_are_refused_in_french():
    executable = SimpleUploadedFile("cv.pdf", b"MZ\x90\x00\x03" + b"\x00" * 100)
    with pytest.raises(ValidationError) as refusal:
        validate_document(executable, max_bytes=MAX, kinds=APPLICATION_KINDS)
    expected = "« cv.pdf » n'est pas un document accepté (PDF, ODT ou DOCX), quel que soit son nom."
    assert refusal.value.messages == [expected]
    big = SimpleUploadedFile("cv.pdf", b"%PDF-1.4\n" + b"0" * MAX)
    with pytest.raises(ValidationError) as refusal:
        validate_document(big, max_bytes=MAX, kinds=APPLICATION_KINDS)
    assert refusal.value.code == "too_big" and "dépasse 5 Mo" in refusal.value.messages[0]
