"""Checking uploaded documents by their content, not by their name."""

import zipfile

from django.core.exceptions import ValidationError

# Detected kind -> (extension, MIME type)
KINDS = {
    "pdf": (".pdf", "application/pdf"),
    "png": (".png", "image/png"),
    "jpeg": (".jpg", "image/jpeg"),
    "webp": (".webp", "image/webp"),
    "odt": (".odt", "application/vnd.oasis.opendocument.text"),
    "docx": (".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
}
ACCEPTED = "PDF, ODT, DOCX, PNG, JPEG ou WebP"


def _zip_kind(upload) -> str | None:
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.read("mimetype").strip() == KINDS["odt"][1].encode():
                return "odt"
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return "docx"
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError):
        return None
    return None


def detect_kind(upload) -> str | None:
    """The document kind read from the first bytes (and the archive's table for ODT/DOCX)."""
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
        kind = _zip_kind(upload)
        upload.seek(0)
        return kind
    return None


def validate_document(upload, *, max_bytes: int) -> str:
    """Return the detected kind, or raise a French ValidationError naming the file."""
    name = getattr(upload, "name", "fichier")
    if upload.size > max_bytes:
        raise ValidationError(
            f"« {name} » dépasse {max_bytes // (1024 * 1024)} Mo : réduisez-le ou envoyez-le plus tard.",
            code="too_big",
        )
    kind = detect_kind(upload)
    if kind is None:
        raise ValidationError(
            f"« {name} » n'est pas un document accepté ({ACCEPTED}), quel que soit son nom.", code="bad_type"
        )
    return kind


IMAGE_FORMATS = {"PNG", "JPEG", "WEBP"}


def validate_image(upload, *, max_bytes: int, max_side: int = 4000, what: str = "L'image") -> None:
    """A PNG, JPEG or WebP image, read by Pillow (not trusted by its name), within limits."""
    from PIL import Image, UnidentifiedImageError

    if upload.size > max_bytes:
        raise ValidationError(
            f"{what} dépasse {max_bytes // (1024 * 1024)} Mo : réduisez sa taille avant de l'envoyer.", code="too_big"
        )
    position = upload.tell() if hasattr(upload, "tell") else 0
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image_format = image.format
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(
            "Ce fichier n'est pas une image valide (formats acceptés : PNG, JPEG, WebP).", code="not_image"
        ) from exc
    finally:
        upload.seek(position)
    if image_format not in IMAGE_FORMATS:
        raise ValidationError("Format d'image refusé : envoyez un PNG, un JPEG ou un WebP.", code="format")
    if max(width, height) > max_side:
        raise ValidationError(f"L'image est trop grande ({max_side} pixels de côté au plus).", code="dimensions")
