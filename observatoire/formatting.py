"""Numbers as the observatory writes them in French: 25 700, 11,1 %, 1,2 M€ — and « s »
for a value under statistical secrecy, whatever the output (page, chart, CSV, PDF)."""

from decimal import ROUND_HALF_UP, Decimal

from observatoire.secrecy import SECRET

NARROW_NBSP = "\u202f"


def french_number(value, decimals: int = 0) -> str:
    """25 700 ; 10,5 with `decimals=1`; « s » stays « s »; None is an empty string."""
    if value is None:
        return ""
    if value == SECRET:
        return SECRET
    if decimals == 0 and (type(value) is int or (type(value) is float and value.is_integer())):
        # Most values (counts, payrolls, round scale ticks): no rounding to do.
        whole = int(value)
        return ("−" if whole < 0 else "") + f"{abs(whole):,}".replace(",", NARROW_NBSP)
    number = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    whole, _, fraction = f"{abs(number):f}".partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    text = NARROW_NBSP.join(groups) + ("," + fraction if fraction else "")
    return ("−" if number < 0 else "") + text


def french_percent(value, decimals: int = 1) -> str:
    """A share (0.111) as 11,1 %."""
    if value in (None, SECRET):
        return "" if value is None else SECRET
    return f"{french_number(Decimal(str(value)) * 100, decimals)}\u00a0%"


def french_euros(value) -> str:
    """Payroll in millions of euros: 512,3 M€."""
    if value in (None, SECRET):
        return "" if value is None else SECRET
    return f"{french_number(Decimal(value) / 1_000_000, 1)}\u00a0M€"


def as_year(value: str) -> int | None:
    """A year written in ASCII digits (« 2024 »), else None: `str.isdigit` also accepts
    « ² » or Arabic-Indic digits, which `int` then refuses or reads as another number."""
    if len(value) == 4 and value.isascii() and value.isdecimal():
        return int(value)
    return None
