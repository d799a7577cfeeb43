"""Checks of uploaded images: the content decides, not the file name."""

from django.core.exceptions import ValidationError
from PIL import Image, UnidentifiedImageError

LOGO_MAX_BYTES = 1024 * 1024
LOGO_MAX_SIDE = 4000
LOGO_FORMATS = {"PNG", "JPEG", "WEBP"}


def validate_logo(upload) -> None:
    if upload.size > LOGO_MAX_BYTES:
        raise ValidationError("Le logo dépasse 1 Mo : réduisez-le avant de l'envoyer.", code="logo_too_big")
    position = upload.tell() if hasattr(upload, "tell") else 0
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image_format = image.format
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(
            "Ce fichier n'est pas une image valide (formats acceptés : PNG, JPEG, WebP).", code="logo_not_image"
        ) from exc
    finally:
        upload.seek(position)
    if image_format not in LOGO_FORMATS:
        raise ValidationError("Format d'image refusé : envoyez un PNG, un JPEG ou un WebP.", code="logo_format")
    if max(width, height) > LOGO_MAX_SIDE:
        raise ValidationError("L'image est trop grande (4 000 pixels de côté au plus).", code="logo_dimensions")
