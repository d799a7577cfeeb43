"""Checking uploaded documents by their content, not by their name."""

import re
import zipfile
import zlib

from django.core.exceptions import ValidationError

# Detected kind -> (extension, MIME type)
KINDS = {
    "pdf": (".pdf", "application/pdf"),
    "png": (".png", "image/png"),
    "jpeg": (".jpg", "image/jpeg"),
    "webp": (".webp", "image/webp"),
    "odt": (".odt", "application/vnd.oasis.opendocument.text"),
    "docx": (".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "ods": (".ods", "application/vnd.oasis.opendocument.spreadsheet"),
    "xlsx": (".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}
# What validate_document accepts unless told otherwise; spreadsheets only where asked
# (a deliverable may be a table of figures, an intake attachment has no need of one).
DOCUMENT_KINDS = frozenset({"pdf", "png", "jpeg", "webp", "odt", "docx"})
SPREADSHEET_KINDS = frozenset({"ods", "xlsx"})
_KIND_LABELS = {"pdf": "PDF", "odt": "ODT", "docx": "DOCX", "ods": "ODS", "xlsx": "XLSX"}
_KIND_LABELS |= {"png": "PNG", "jpeg": "JPEG", "webp": "WebP"}


def accepted_label(kinds=DOCUMENT_KINDS) -> str:
    """« PDF, ODT, DOCX, PNG, JPEG ou WebP »: the kinds named for messages and help texts."""
    labels = [label for kind, label in _KIND_LABELS.items() if kind in kinds]
    return ", ".join(labels[:-1]) + " ou " + labels[-1] if len(labels) > 1 else labels[0]


ACCEPTED = accepted_label()


# An archive-based document (ODT, DOCX) is judged by its table of contents and at most
# ARCHIVE_PEEK_BYTES of one member: nothing is ever decompressed whole, so a zip bomb (a
# small file that inflates to gigabytes) costs no memory. What the table declares must also
# look like an office document, so that a bomb is refused before anyone opens it.
ARCHIVE_PEEK_BYTES = 256
ARCHIVE_MAX_MEMBERS = 1000
ARCHIVE_MAX_MEMBER_BYTES = 50 * 1024 * 1024
ARCHIVE_MAX_TOTAL_BYTES = 100 * 1024 * 1024
# Uncompressed / compressed, for the archive as a whole: office XML compresses about
# 5 to 30 times, a bomb about 1 000 times.
ARCHIVE_MAX_RATIO = 200
# A small archive whose contents stay below this size is never refused for its ratio.
ARCHIVE_RATIO_FLOOR_BYTES = 10 * 1024 * 1024

# Errors a damaged or hostile archive raises while its table or a member is read.
_ARCHIVE_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, KeyError, OSError, RuntimeError, ValueError)


class OversizedArchive(Exception):
    """The archive declares more content than a document of this size can hold."""


def _check_archive_bounds(members: list[zipfile.ZipInfo], archive_bytes: int) -> None:
    if len(members) > ARCHIVE_MAX_MEMBERS:
        raise OversizedArchive(f"{len(members)} members")
    total = 0
    for member in members:
        if member.file_size > ARCHIVE_MAX_MEMBER_BYTES:
            raise OversizedArchive(f"{member.filename}: {member.file_size} bytes")
        total += member.file_size
    if total > ARCHIVE_MAX_TOTAL_BYTES:
        raise OversizedArchive(f"{total} bytes in all")
    if total > ARCHIVE_RATIO_FLOOR_BYTES and total > ARCHIVE_MAX_RATIO * max(archive_bytes, 1):
        raise OversizedArchive(f"{total} bytes from {archive_bytes}")


def _peek(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bytes:
    """The first bytes of a member, inflating no more than that (never the whole member)."""
    if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        return b""
    with archive.open(member) as stream:
        return stream.read(ARCHIVE_PEEK_BYTES)


def _zip_kind(upload) -> str | None:
    """ODT, DOCX, ODS or XLSX from the archive's table; raises OversizedArchive for a zip bomb."""
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
            _check_archive_bounds(members, upload.size)
            by_name = {member.filename: member for member in members}
            if "mimetype" in by_name and _peek(archive, by_name["mimetype"]).strip() == KINDS["odt"][1].encode():
                return "odt"
            if "mimetype" in by_name and _peek(archive, by_name["mimetype"]).strip() == KINDS["ods"][1].encode():
                return "ods"
            if "[Content_Types].xml" in by_name and "word/document.xml" in by_name:
                return "docx"
            if "[Content_Types].xml" in by_name and "xl/workbook.xml" in by_name:
                return "xlsx"
    except _ARCHIVE_ERRORS:
        return None
    return None


def detect_kind(upload) -> str | None:
    """The document kind read from the first bytes (and the archive's table for office documents).

    Raises OversizedArchive when an archive declares far more content than it may hold.
    """
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"PK\x03\x04"):
        try:
            return _zip_kind(upload)
        finally:
            upload.seek(0)
    return None


def validate_document(upload, *, max_bytes: int, kinds=DOCUMENT_KINDS, refuse_active_pdf: bool = True) -> str:
    """Return the detected kind, one of `kinds`, or raise a French ValidationError naming the file.

    A PDF that carries active content (scripts, launch actions, embedded files: see
    `pdf_active_content`) is refused unless `refuse_active_pdf` is false.
    """
    name = getattr(upload, "name", "fichier")
    if upload.size > max_bytes:
        raise ValidationError(
            f"« {name} » dépasse {max_bytes // (1024 * 1024)} Mo : réduisez-le ou envoyez-le plus tard.",
            code="too_big",
        )
    try:
        kind = detect_kind(upload)
    except OversizedArchive as exc:
        raise ValidationError(
            f"« {name} » est une archive anormale : son contenu décompressé serait bien plus gros que le "
            "fichier. Enregistrez-le de nouveau depuis votre traitement de texte, ou envoyez-le en PDF.",
            code="oversized_archive",
        ) from exc
    if kind not in kinds:
        raise ValidationError(
            f"« {name} » n'est pas un document accepté ({accepted_label(kinds)}), quel que soit son nom.",
            code="bad_type",
        )
    if kind == "pdf" and refuse_active_pdf:
        found = pdf_active_content(upload)
        if found:
            raise ValidationError(
                f"« {name} » contient du contenu actif ({found}) : un CV ou un document n'en a pas besoin. "
                "Enregistrez-le de nouveau en PDF simple (« Imprimer » puis « Enregistrer au format PDF »), "
                "ou envoyez-le en ODT ou DOCX.",
                code="active_pdf",
            )
    if kind in IMAGE_KINDS:
        # Its first bytes say image: Pillow must also decode it whole, within a pixel bound.
        try:
            validate_image(
                upload, max_bytes=max_bytes, max_side=DOCUMENT_IMAGE_MAX_SIDE, max_pixels=DOCUMENT_IMAGE_MAX_PIXELS
            )
        except ValidationError as error:
            message = error.messages[0]
            raise ValidationError(f"« {name} » : {message[:1].lower()}{message[1:]}", code=error.code) from error
    return kind


# PDF names that make a document act when it is opened, or carry another file: a script
# (/JavaScript, /JS), a program to start (/Launch), an embedded file (/EmbeddedFile(s)),
# actions on open or on events (/AA; /OpenAction is refused only with a script, and then
# /JS already is), rich media and forms that submit or import data.
PDF_ACTIVE_NAMES = frozenset(
    {"JavaScript", "JS", "Launch", "EmbeddedFile", "EmbeddedFiles", "AA", "RichMedia", "SubmitForm", "ImportData"}
)
# A PDF name: a slash then regular characters, where « #4A » stands for « J » (PDF 1.2+).
_PDF_NAME = re.compile(rb"/((?:[^\x00\t\n\x0c\r ()<>\[\]{}/%#]|#[0-9A-Fa-f]{2})+)")
_PDF_HEX = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_CHUNK = 1024 * 1024
_PDF_OVERLAP = 256  # a name cut by a chunk's end is read whole in the next one


def _pdf_name(raw: bytes) -> str:
    return _PDF_HEX.sub(lambda match: bytes([int(match.group(1), 16)]), raw).decode("latin-1")


def pdf_active_content(upload) -> str | None:
    """The first active-content name found in a PDF's raw bytes (« /JavaScript »…), or None.

    Only the bytes as stored are read (names written with #xx escapes included); what a
    compressed stream hides is not inflated: such a PDF is still shown to the employer as a
    download, never opened by the portal.
    """
    upload.seek(0)
    tail = b""
    try:
        while True:
            chunk = upload.read(_PDF_CHUNK)
            window = tail + chunk
            for match in _PDF_NAME.finditer(window):
                if chunk and match.end() == len(window):
                    continue  # perhaps cut short: read whole with the next chunk
                name = _pdf_name(match.group(1))
                if name in PDF_ACTIVE_NAMES:
                    return f"/{name}"
            if not chunk:
                return None
            tail = window[-_PDF_OVERLAP:]
    finally:
        upload.seek(0)


IMAGE_FORMATS = {"PNG", "JPEG", "WEBP"}
IMAGE_KINDS = {"png", "jpeg", "webp"}
# A scanned A4 page at 600 dpi is 4 960 x 7 016 pixels; a phone photo 4 032 x 3 024. Decoding
# takes about 3 bytes a pixel: the bound keeps one document under about 120 MB of memory.
DOCUMENT_IMAGE_MAX_SIDE = 12_000
DOCUMENT_IMAGE_MAX_PIXELS = 40_000_000


def validate_image(
    upload, *, max_bytes: int, max_side: int = 4000, max_pixels: int | None = None, what: str = "L'image"
) -> None:
    """A PNG, JPEG or WebP image, read by Pillow (not trusted by its name), within limits.

    The image is verified, its size checked against the bounds, then decoded whole: a valid
    header followed by damaged or foreign data is refused.
    """
    from PIL import Image, UnidentifiedImageError

    if upload.size > max_bytes:
        raise ValidationError(
            f"{what} dépasse {max_bytes // (1024 * 1024)} Mo : réduisez sa taille avant de l'envoyer.", code="too_big"
        )
    too_large = ValidationError(f"L'image est trop grande ({max_side} pixels de côté au plus).", code="dimensions")
    position = upload.tell() if hasattr(upload, "tell") else 0
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image_format = image.format
            width, height = image.size
            image.verify()
        if image_format not in IMAGE_FORMATS:
            raise ValidationError("Format d'image refusé : envoyez un PNG, un JPEG ou un WebP.", code="format")
        if max(width, height) > max_side:
            raise too_large
        if max_pixels is not None and width * height > max_pixels:
            raise ValidationError(
                f"L'image est trop grande ({max_pixels // 1_000_000} millions de pixels au plus).", code="dimensions"
            )
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()  # bounded by the check above
    except Image.DecompressionBombError as exc:
        # Pillow refuses to open an image declaring hundreds of millions of pixels.
        raise too_large from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ValidationError(
            "Ce fichier n'est pas une image valide (formats acceptés : PNG, JPEG, WebP).", code="not_image"
        ) from exc
    finally:
        upload.seek(position)
