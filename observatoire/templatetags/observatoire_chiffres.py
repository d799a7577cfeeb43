"""How the observatory's pages write a value: French numbers, « s » for a value under
statistical secrecy (explained by the note under each table), « — » for a value the source
does not give."""

from django import template
from django.utils.html import format_html

from observatoire.formatting import SECRET, french_euros, french_number, french_percent

register = template.Library()


def _written(value, write):
    if value is None or value == "":
        return "—"
    if value == SECRET:
        return format_html('<abbr title="{}">s</abbr>', "Secret statistique : voir la note sous le tableau")
    return write(value)


@register.filter
def nombre(value):
    return _written(value, french_number)


@register.filter
def pourcent(value):
    return _written(value, french_percent)


@register.filter
def euros(value):
    return _written(value, french_euros)


@register.filter
def quotient(value):
    return _written(value, lambda number: french_number(number, 2))


@register.filter
def effet(value):
    """A shift-share effect, signed: +12,5 or −3,0."""
    return _written(value, lambda number: ("+" if number > 0 else "") + french_number(number, 1))


@register.filter
def variation(value):
    """A change of a whole number, signed: +10 or −3."""
    return _written(value, lambda number: ("+" if number > 0 else "") + french_number(number))


@register.filter
def get_item(mapping, key):
    """`mapping[key]`, for labels kept in a dict; the key itself when it has none."""
    return mapping.get(key, key)
