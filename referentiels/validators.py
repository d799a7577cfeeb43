"""Checks of official French identifiers."""

from django.core.exceptions import ValidationError

# Most of La Poste's establishments do not follow the Luhn key: their SIRET digits
# sum to a multiple of 5 (INSEE rule for SIREN 356000000; the head office is Luhn-valid).
LA_POSTE_SIREN = "356000000"


def luhn_is_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def normalise_identifier(value: str) -> str:
    """Drop the spaces, dots and dashes people type inside a SIREN or SIRET."""
    return "".join(ch for ch in str(value) if ch not in " .-\u00a0\u202f")


def validate_siren(value: str) -> None:
    value = normalise_identifier(value)
    if len(value) != 9 or not (value.isascii() and value.isdigit()):
        raise ValidationError("Le SIREN doit compter 9 chiffres.", code="siren_format")
    if not luhn_is_valid(value):
        raise ValidationError("Ce SIREN n'est pas valide (clé de contrôle incorrecte).", code="siren_key")


def validate_siret(value: str) -> None:
    value = normalise_identifier(value)
    if len(value) != 14 or not (value.isascii() and value.isdigit()):
        raise ValidationError("Le SIRET doit compter 14 chiffres.", code="siret_format")
    if value.startswith(LA_POSTE_SIREN):
        valid = luhn_is_valid(value) or sum(int(ch) for ch in value) % 5 == 0
    else:
        valid = luhn_is_valid(value) and luhn_is_valid(value[:9])
    if not valid:
        raise ValidationError("Ce SIRET n'est pas valide (clé de contrôle incorrecte).", code="siret_key")
