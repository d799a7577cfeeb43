"""Checks of uploaded images: the content decides, not the file name."""

from lib.uploads import validate_image

LOGO_MAX_BYTES = 1024 * 1024


def validate_logo(upload) -> None:
    validate_image(upload, max_bytes=LOGO_MAX_BYTES, what="Le logo")
