"""Reads of the offers that the public pages, the feed and the sitemap share: an offer's
address, how its pay, time and place read in French, its schema.org JobPosting, and the
similar open offers shown when it has closed. The search itself is emplois.search."""

from datetime import datetime, time
from decimal import Decimal

from django.conf import settings
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone

from emplois.models import EMPLOYMENT_TYPES, PAY_UNITS, ApplyMode, Offer, PayPeriod, Remote, WorkingTime
from emplois.search import card_fields, open_offers
from lib.dates import french_date
from lib.richtext import clean_html, plain_text

SIMILAR_OFFERS = 4
NARROW_NBSP = "\u202f"


def offer_url(offer: Offer) -> str:
    return reverse("emplois:offer", args=[offer.pk, offer.slug])


def organisation_url(offer: Offer) -> str:
    """The organisation's page in the directory, if it is published there."""
    organisation = offer.organisation
    return reverse("annuaire:structure", args=[organisation.slug]) if organisation.is_published else ""


def is_open(offer: Offer, today=None) -> bool:
    """Published and its closing date not past (Réunion's day)."""
    return offer.status == Offer.Status.PUBLISHED and offer.closes_on >= (today or timezone.localdate())


def page_offer(pk: int) -> Offer | None:
    """An offer with what its page shows joined, or None."""
    return (
        Offer.objects.select_related("organisation", "commune", "rome__domain")
        .defer("search_vector")
        .filter(pk=pk)
        .first()
    )


# --- How an offer reads -------------------------------------------------------------------------


def euros(amount: Decimal) -> str:
    """« 1 800 », « 11,65 »: French digits, a narrow no-break space between thousands."""
    whole = amount == amount.to_integral_value()
    text = f"{amount:,.0f}" if whole else f"{amount:,.2f}"
    return text.replace(",", NARROW_NBSP).replace(".", ",")


def pay_words(offer: Offer) -> str:
    """« 1 800 – 2 100 € brut par mois », « à partir de 11,65 € brut de l'heure », or ""."""
    if offer.pay_min is None or not offer.pay_period:
        return ""
    period = PayPeriod(offer.pay_period).label
    if offer.pay_max is None:
        return f"à partir de {euros(offer.pay_min)} € {period}"
    if offer.pay_max == offer.pay_min:
        return f"{euros(offer.pay_min)} € {period}"
    return f"{euros(offer.pay_min)} – {euros(offer.pay_max)} € {period}"


def time_words(offer: Offer) -> str:
    """« Temps plein, 35 h par semaine, 12 mois », « 2 heures par semaine »."""
    if offer.is_volunteering:
        return offer.volunteer_time
    parts = []
    if offer.working_time:
        parts.append(WorkingTime(offer.working_time).label)
    if offer.hours_per_week is not None:
        hours = f"{offer.hours_per_week.normalize():f}".replace(".", ",")
        parts.append(f"{hours} h par semaine")
    if offer.duration_months:
        parts.append(f"{offer.duration_months} mois")
    return ", ".join(parts)


def place_words(offer: Offer) -> str:
    """« Saint-Denis », « Saint-Denis, télétravail partiel », « Entièrement à distance »."""
    if offer.remote == Remote.FULL:
        return Remote.FULL.label
    place = offer.commune.name if offer.commune_id else ""
    if offer.remote == Remote.PARTIAL:
        return f"{place}, télétravail partiel" if place else Remote.PARTIAL.label
    return place


def start_words(offer: Offer) -> str:
    return f"le {french_date(offer.starts_on)}" if offer.starts_on else "dès que possible"


def card_summary(offer: Offer) -> str:
    """The line under an offer's title in a list or a feed."""
    parts = [offer.get_contract_display(), place_words(offer), pay_words(offer) or time_words(offer)]
    return " · ".join(part for part in parts if part)


# --- schema.org JobPosting ----------------------------------------------------------------------


def _number(amount: Decimal) -> int | float:
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def _postal_code(offer: Offer) -> str:
    """Known when the organisation's address is in the offer's commune."""
    organisation = offer.organisation
    return organisation.postcode if organisation.commune_id == offer.commune_id else ""


def job_posting(offer: Offer) -> dict:
    """The JobPosting of an open offer, with the properties search engines require."""
    base = settings.SITE_URL
    end_of_day = datetime.combine(offer.closes_on, time(23, 59, 59), tzinfo=timezone.get_current_timezone())
    organisation = {"@type": "Organization", "name": offer.organisation.name}
    directory_page = organisation_url(offer)
    if directory_page:
        organisation["sameAs"] = base + directory_page
    if offer.organisation.website:
        organisation["url"] = offer.organisation.website
    data = {
        "@context": "https://schema.org",
        "@type": "JobPosting",
        "title": offer.title,
        "description": clean_html(offer.description) + clean_html(offer.profile),
        "identifier": {"@type": "PropertyValue", "name": offer.organisation.name, "value": str(offer.pk)},
        "datePosted": timezone.localtime(offer.published_at).isoformat(),
        "validThrough": end_of_day.isoformat(),
        "hiringOrganization": organisation,
        "url": base + offer_url(offer),
        "directApply": offer.apply_mode == ApplyMode.PORTAL,
        "occupationalCategory": f"{offer.rome.code} {offer.rome.label}",
    }
    if offer.remote == Remote.FULL:
        data["jobLocationType"] = "TELECOMMUTE"
        data["applicantLocationRequirements"] = {"@type": "AdministrativeArea", "name": "La Réunion"}
    if offer.commune_id:
        address = {
            "@type": "PostalAddress",
            "addressLocality": offer.commune.name,
            "addressRegion": "La Réunion",
            "addressCountry": "FR",
        }
        if _postal_code(offer):
            address["postalCode"] = _postal_code(offer)
        data["jobLocation"] = {"@type": "Place", "address": address}
    if offer.is_volunteering:
        data["employmentType"] = "VOLUNTEER"
        return data
    employment = EMPLOYMENT_TYPES[offer.contract]
    if offer.working_time == WorkingTime.PART and employment == "FULL_TIME":
        employment = "PART_TIME"
    data["employmentType"] = employment
    if offer.starts_on:
        data["jobStartDate"] = offer.starts_on.isoformat()
    if offer.pay_min is not None and offer.pay_period:
        value = {"@type": "QuantitativeValue", "unitText": PAY_UNITS[PayPeriod(offer.pay_period)]}
        value["minValue"] = _number(offer.pay_min)
        if offer.pay_max is not None:
            value["maxValue"] = _number(offer.pay_max)
        data["baseSalary"] = {"@type": "MonetaryAmount", "currency": "EUR", "value": value}
    return data


def meta_description(offer: Offer) -> str:
    text = f"{offer.organisation.name} — {card_summary(offer)}. {plain_text(offer.description)}"
    return text[:300]


# --- Similar offers -----------------------------------------------------------------------------


def similar_offers(offer: Offer, limit: int = SIMILAR_OFFERS) -> list[Offer]:
    """Up to `limit` open offers of the same ROME fiche, then of the same grand domaine,
    newest first. One query."""
    same_fiche = Case(When(rome_id=offer.rome_id, then=Value(0)), default=Value(1), output_field=IntegerField())
    offers = (
        open_offers()
        .filter(rome__domain_id=offer.rome.domain_id)
        .exclude(pk=offer.pk)
        .annotate(same_fiche=same_fiche)
        .order_by("same_fiche", "-published_at", "-pk")
    )
    return list(card_fields(offers)[:limit])


def feed_offers(limit: int) -> QuerySet[Offer]:
    """The newest open offers, for the RSS feed."""
    return card_fields(open_offers()).order_by("-published_at", "-pk")[:limit]


def sitemap_offers() -> QuerySet[Offer]:
    return open_offers().only("pk", "slug", "updated_at").order_by("pk")
