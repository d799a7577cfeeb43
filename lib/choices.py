"""Checks shared by the JSON list fields that hold several choices (stages, themes)."""

from django.core.exceptions import ValidationError


def validate_choice_list(value, allowed, message: str) -> None:
    """A list whose every item is one of `allowed`; else a French ValidationError."""
    if not isinstance(value, list) or any(item not in allowed for item in value):
        raise ValidationError(message)
