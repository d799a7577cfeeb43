"""Checks of official French identifiers."""

from django.core.exceptions import ValidationError

# Most of La Poste's establishments do not follow the Luhn key: their SIRET digits
# sum to a multiple of 5 (INSEE rule for SIREN 356000000; the head office is Luhn-valid).
LA_POSTE_SIREN = "356000000"


# A digit doubled, its two digits added (the Luhn step), looked up rather than computed:
# an import checks hundreds of thousands of SIRET.
_DOUBLED = {str(digit): (2 * digit) % 10 + (2 * digit) // 10 for digit in range(10)}


def luhn_is_valid(digits: str) -> bool:
    """The Luhn key of a string of ASCII digits (SIREN, SIRET)."""
    total = sum(map(int, digits[-1::-2])) + sum(map(_DOUBLED.__getitem__, digits[-2::-2]))
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
