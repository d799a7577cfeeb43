"""The reads of Action 1's public pages: the partners page, a partner's page, its logo.

Everything public starts from `public_partners()`: a partner staff chose to show
(`Partner.is_public`), its conventions in force that staff did not hide
(`Convention.is_public`, « en vigueur » or « à renouveler »), and its published figures.
Amounts and funders are shown only when staff published them (`amount_is_public`): the
pages ask `public_amount()` rather than reading the fields.
"""

from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath

from django.db.models import Prefetch
from django.urls import reverse

from lib.dates import french_date
from partenariats.models import Convention, Partner, PartnerFigure, PartnerKind
from partenariats.workflows import CONVENTION_LIVE

NARROW_NBSP = "\u202f"

# Section headings of the partners page, in the order of PartnerKind.
KIND_HEADINGS = {
    PartnerKind.CHAMBER: "Chambres consulaires",
    PartnerKind.NETWORK: "Réseaux de l'ESS",
    PartnerKind.EMPLOYMENT: "Emploi et orientation",
    PartnerKind.SOCIAL_PROTECTION: "Protection sociale",
    PartnerKind.LOCAL_AUTHORITY: "Collectivités",
    PartnerKind.FUNDER: "Financeurs",
    PartnerKind.SUPPORT: "Structures d'accompagnement",
    PartnerKind.OTHER: "Autres partenaires",
}


def live_public_conventions():
    return Convention.objects.filter(is_public=True, status__in=CONVENTION_LIVE).order_by("end_date", "reference")


def published_figures():
    return PartnerFigure.objects.filter(is_published=True).order_by("-year", "label", "pk")


def public_partners():
    """The partners shown to the public, each with `live_conventions` and `figures` (lists):
    three queries whatever their number."""
    return list(
        Partner.objects.filter(is_public=True)
        .select_related("organisation")
        .prefetch_related(
            Prefetch("conventions", queryset=live_public_conventions(), to_attr="live_conventions"),
            Prefetch("figures", queryset=published_figures(), to_attr="published"),
        )
    )


def public_partner(slug: str) -> Partner | None:
    """One public partner by its organisation's address, with its conventions in force (and
    their other parties), published figures and territories: five queries."""
    return (
        Partner.objects.filter(is_public=True, organisation__slug=slug)
        .select_related("organisation__commune")
        .prefetch_related(
            Prefetch(
                "conventions",
                queryset=live_public_conventions().prefetch_related(
                    Prefetch(
                        "parties",
                        queryset=Partner.objects.select_related("organisation").order_by("organisation__name"),
                    )
                ),
                to_attr="live_conventions",
            ),
            Prefetch("figures", queryset=published_figures(), to_attr="published"),
            "territories",
        )
        .first()
    )


@dataclass(frozen=True)
class KindSection:
    kind: str
    heading: str
    partners: list


def by_kind(partners: list) -> list[KindSection]:
    """The partners grouped by kind, kinds in their declared order, empty kinds left out."""
    groups: dict[str, list] = {}
    for partner in partners:
        groups.setdefault(partner.kind, []).append(partner)
    return [KindSection(kind, KIND_HEADINGS[kind], groups[kind]) for kind in PartnerKind.values if kind in groups]


def figures_by_year(figures: list[PartnerFigure]) -> list[tuple[int, list[PartnerFigure]]]:
    """Published figures, the latest year first (they come ordered by year)."""
    years: dict[int, list] = {}
    for figure in figures:
        years.setdefault(figure.year, []).append(figure)
    return list(years.items())


def french_number(value: Decimal, *, cents: bool = False) -> str:
    """1 250 ; 12,5 ; with `cents`, 45 000,50 — narrow no-break spaces between thousands; no
    decimals for a whole number."""
    value = Decimal(value)
    decimals = 0 if value == value.to_integral_value() else 2
    whole, _, fraction = f"{abs(value):.{decimals}f}".partition(".")
    if not cents:
        fraction = fraction.rstrip("0")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return ("−" if value < 0 else "") + NARROW_NBSP.join(groups) + ("," + fraction if fraction else "")


def figure_value(figure: PartnerFigure) -> str:
    number = french_number(figure.value)
    return f"{number}\u00a0{figure.unit}" if figure.unit else number


def public_amount(convention: Convention) -> str:
    """« 45 000 €, financement : FSE » when staff published the amount, else an empty string: neither the
    amount nor the funder is shown otherwise."""
    if not convention.amount_is_public or convention.amount is None:
        return ""
    amount = f"{french_number(convention.amount, cents=True)}\u00a0€"
    return f"{amount}, financement : {convention.funder}" if convention.funder else amount


def period(convention: Convention) -> str:
    """« Du 1er février 2026 au 31 janvier 2028 »."""
    return f"Du {french_date(convention.start_date)} au {french_date(convention.end_date)}"


@dataclass(frozen=True)
class PublicConvention:
    """A convention as the public pages show it: never its amount unless published."""

    convention: Convention
    period: str
    amount: str
    others: list  # (partner, url) of the other public parties, on a partner's page


def public_convention(convention: Convention, *, others=()) -> PublicConvention:
    return PublicConvention(convention, period(convention), public_amount(convention), list(others))


def partner_url(partner: Partner) -> str:
    return reverse("partenariats:partenaire", args=[partner.organisation.slug])


def logo_url(partner: Partner) -> str:
    """The logo's address names its stored file: a new logo is a new address, so browsers
    may keep each one for a year."""
    if not partner.logo:
        return ""
    return reverse("partenariats:logo", args=[partner.organisation.slug, PurePath(partner.logo.name).name])


def stored_logo(slug: str) -> str:
    """The stored name of a public partner's logo, or an empty string: one query."""
    return (
        Partner.objects.filter(is_public=True, organisation__slug=slug)
        .exclude(logo="")
        .values_list("logo", flat=True)
        .first()
        or ""
    )


def sitemap_partners():
    return Partner.objects.filter(is_public=True).select_related("organisation").order_by("organisation__name")
