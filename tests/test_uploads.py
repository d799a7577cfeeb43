"""lib/uploads.py: documents and images checked by their content, within bounded work."""

import io
import struct
import tracemalloc
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given
from hypothesis import strategies as st

from lib import uploads
from lib.uploads import validate_document, validate_image
from tests.helpers.archives import MIB, docx_bomb

MAX = 5 * 1024 * 1024
ODT = b"application/vnd.oasis.opendocument.text"


def archive(members: dict[str, bytes], *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as zipped:
        for name, content in members.items():
            zipped.writestr(name, content)
    return buffer.getvalue()


def upload(content: bytes, name="statuts.odt") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, "application/octet-stream")


def refused_code(content: bytes) -> str:
    with pytest.raises(ValidationError) as refusal:
        validate_document(upload(content), max_bytes=MAX)
    return refusal.value.code


def test_an_odt_is_recognised_by_its_mimetype_member():
    odt = archive({"mimetype": ODT, "content.xml": b"<office:document-content/>"}, compression=zipfile.ZIP_STORED)
    assert validate_document(upload(odt), max_bytes=MAX) == "odt"


def test_a_zip_that_is_no_office_document_is_refused():
    assert refused_code(archive({"readme.txt": b"bonjour"})) == "bad_type"


def test_a_long_but_honest_docx_is_accepted():
    paragraph = b"<w:p><w:r><w:t>Article premier : l'association a pour objet...</w:t></w:r></w:p>"
    docx = archive({"[Content_Types].xml": b"<Types/>", "word/document.xml": paragraph * 40_000})
    assert validate_document(upload(docx, "statuts.docx"), max_bytes=MAX) == "docx"


def spreadsheets() -> dict[str, bytes]:
    """A real XLSX (as the portal's exports write it) and a minimal ODS, by their kind."""
    from lib.spreadsheet import xlsx_bytes

    ods = archive(
        {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<office:spreadsheet/>"},
        compression=zipfile.ZIP_STORED,
    )
    return {"xlsx": xlsx_bytes([["Indicateur", "Valeur"], ["Orientations", 12]]), "ods": ods}


@pytest.mark.parametrize("kind", ["xlsx", "ods"])
def test_a_spreadsheet_is_accepted_only_where_spreadsheets_are_asked_for(kind):
    content = spreadsheets()[kind]
    with pytest.raises(ValidationError) as refusal:
        validate_document(upload(content, f"tableau.{kind}"), max_bytes=MAX)
    assert refusal.value.messages == [
        f"« tableau.{kind} » n'est pas un document accepté (PDF, ODT, DOCX, PNG, JPEG ou WebP), quel que soit son nom."
    ]
    allowed = uploads.DOCUMENT_KINDS | uploads.SPREADSHEET_KINDS
    assert validate_document(upload(content, "sans extension"), max_bytes=MAX, kinds=allowed) == kind


@pytest.mark.parametrize(
    "members",
    [
        pytest.param({f"word/media/{n}.xml": b"" for n in range(uploads.ARCHIVE_MAX_MEMBERS + 1)}, id="members"),
        pytest.param({"word/document.xml": bytes(uploads.ARCHIVE_MAX_MEMBER_BYTES + 1)}, id="one member"),
        pytest.param({f"word/part{n}.xml": bytes(30 * 1024 * 1024) for n in range(4)}, id="total"),
        pytest.param({"word/document.xml": bytes(uploads.ARCHIVE_RATIO_FLOOR_BYTES + 1)}, id="ratio"),
    ],
)
def test_an_archive_declaring_more_than_a_document_holds_is_refused(members):
    content = archive({"[Content_Types].xml": b"<Types/>", **members})
    assert len(content) < MAX
    assert refused_code(content) == "oversized_archive"


def test_a_member_is_never_inflated_whole_even_when_the_table_lies():
    # "mimetype" declares 1 MB but inflates to 1 000 MB: only a few bytes are ever read.
    bomb = upload(docx_bomb("mimetype", declared_mib=1), "statuts.docx")
    tracemalloc.start()
    try:
        assert validate_document(bomb, max_bytes=MAX) == "docx"
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 5 * MIB


DOCX = archive({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>" * 50})


@given(st.data())
def test_a_damaged_archive_gives_a_french_refusal_or_a_kind_never_a_crash(data):
    content = bytearray(DOCX)
    for _ in range(data.draw(st.integers(1, 8))):
        position = data.draw(st.integers(0, len(content) - 1))
        content[position] = data.draw(st.integers(0, 255))
    content = bytes(content[: data.draw(st.integers(4, len(content)))])
    try:
        kind = validate_document(upload(b"PK\x03\x04" + content[4:]), max_bytes=MAX)
    except ValidationError as refusal:
        assert refusal.code in {"bad_type", "oversized_archive"}
    else:
        assert kind in uploads.KINDS


def png_header(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")
    )


def test_an_image_declaring_a_billion_pixels_is_refused_in_french():
    with pytest.raises(ValidationError) as refusal:
        validate_image(upload(png_header(30_000, 30_000), "logo.png"), max_bytes=MAX)
    assert refusal.value.code == "dimensions"
    assert "trop grande" in refusal.value.messages[0]


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def real_png(size=(40, 30)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
IHDR = chunk(b"IHDR", struct.pack(">IIBBBBB", 40, 30, 8, 2, 0, 0, 0))


@pytest.mark.parametrize(
    "content",
    [
        PNG_SIGNATURE + b"junk after the signature, not an image" * 20,
        # A well-formed chunk list whose pixel data is not zlib: verify() alone accepts it.
        PNG_SIGNATURE + IHDR + chunk(b"IDAT", b"not zlib data at all" * 10) + chunk(b"IEND", b""),
        real_png()[:-40] + b"\0" * 40,  # damaged end
        b"\xff\xd8\xff\xe0" + b"junk" * 100,
        b"RIFF\x00\x00\x00\x00WEBPVP8 " + b"junk" * 100,
    ],
)
def test_an_image_document_that_does_not_decode_is_refused_in_french(content):
    with pytest.raises(ValidationError) as refusal:
        validate_document(upload(content, "photo-du-local.png"), max_bytes=MAX)
    assert refusal.value.code == "not_image"
    assert refusal.value.messages == [
        "« photo-du-local.png » : ce fichier n'est pas une image valide (formats acceptés : PNG, JPEG, WebP)."
    ]


def test_a_real_image_document_is_accepted_even_larger_than_a_cover():
    assert validate_document(upload(real_png(), "photo.png"), max_bytes=MAX) == "png"
    assert validate_document(upload(real_png((5000, 300)), "scan.png"), max_bytes=MAX) == "png"


def test_an_image_document_beyond_the_pixel_bound_is_refused_before_decoding():
    with pytest.raises(ValidationError) as refusal:
        validate_document(upload(png_header(8000, 6000), "photo.png"), max_bytes=MAX)
    assert refusal.value.code == "dimensions" and "millions de pixels" in refusal.value.messages[0]


def test_a_cover_whose_chunks_are_well_formed_but_whose_pixels_do_not_decode_is_refused():
    content = PNG_SIGNATURE + IHDR + chunk(b"IDAT", b"not zlib data at all" * 10) + chunk(b"IEND", b"")
    with pytest.raises(ValidationError) as refusal:
        validate_image(upload(content, "couverture.png"), max_bytes=MAX)
    assert refusal.value.code == "not_image"
