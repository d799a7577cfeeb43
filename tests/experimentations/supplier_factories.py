"""Needs and suppliers for the tests of the matching, the batches and the supplier's pages."""

import itertools
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from annuaire.models import Label
from experimentations.models import BuyerKind, Need, NeedKind
from referentiels.models import NafSection, Territory, TerritoryKind
from tests.annuaire.factories import OrganisationFactory

REUNION = ZoneInfo("Indian/Reunion")
_references = itertools.count(1)


def reunion(year, month, day, hour=0, minute=0) -> datetime:
    """A moment in Réunion's time."""
    return datetime(year, month, day, hour, minute, tzinfo=REUNION)


def territory(code: str, kind=TerritoryKind.COMMUNE) -> Territory:
    return Territory.objects.get(kind=kind, code=code)


def section(code: str) -> NafSection:
    return NafSection.objects.get(code=code)


def make_need(*, sectors=("N",), commune="97411", territories=(), status=Need.Status.VALIDATED, **fields) -> Need:
    """A need as the buyer's form and staff's validation leave it (« validé » by default)."""
    values = {
        "reference": f"ACH-2026-{next(_references):05d}",
        "buyer_kind": BuyerKind.LOCAL_AUTHORITY,
        "buyer_name": "Commune de Saint-Denis",
        "contact_name": "Marie Payet",
        "contact_email": "achats@saint-denis.re",
        "kind": NeedKind.QUOTE,
        "title": "Entretien des espaces verts des écoles",
        "description": "<p>Tonte et taille <strong>deux fois par mois</strong>.</p>",
        "commune": territory(commune) if commune else None,
        "answer_deadline": timezone.now() + timedelta(days=20),
        "how_to_answer": "Envoyez un devis par courriel.",
        "consent_text": "J'accepte.",
        "consent_at": timezone.now(),
        "status": status,
        **fields,
    }
    need = Need.objects.create(**values)
    need.sectors.set([section(code) for code in sectors])
    need.territories.set([t if isinstance(t, Territory) else territory(t) for t in territories])
    return need


def make_supplier(name, *, sector="N", commune="97411", labels=(), covered=(), **fields):
    """A published ESS supplier of the directory, with an email."""
    values = {"is_supplier": True, "is_ess_actor": True, "email": f"contact@{abs(hash(name)) % 10**8}.example.re"}
    organisation = OrganisationFactory(name=name, commune=territory(commune), **{**values, **fields})
    type(organisation).objects.filter(pk=organisation.pk).update(sector=section(sector) if sector else None)
    organisation.refresh_from_db()
    if labels:
        organisation.labels.set(Label.objects.filter(slug__in=labels))
    if covered:
        organisation.territories_covered.set(covered)
    return organisation


def next_monday(hour=9, minute=0, *, weeks=1) -> datetime:
    """A Monday to come (at least a day ahead), at this Réunion time."""
    today = timezone.localdate()
    days = (7 - today.weekday()) % 7 or 7
    day = today + timedelta(days=days + 7 * (weeks - 1))
    return reunion(day.year, day.month, day.day, hour, minute)


def sent_need(*, suppliers=3, now=None, **fields):
    """A need « envoyé » with `suppliers` matches ranked 1.., none emailed yet."""
    from experimentations.models import SupplierMatch

    need = make_need(status=Need.Status.SENT, **fields)
    for rank in range(1, suppliers + 1):
        SupplierMatch.objects.create(
            need=need,
            organisation=make_supplier(f"Fournisseur {need.reference} n°{rank}"),
            rank=rank,
            reasons=["Secteur : Activités de services administratifs et de soutien"],
        )
    return need


def make_emailed_match(*, answered=False, name="Jardins Lontan"):
    """A supplier emailed for a need « envoyé » (ranked by the matching), interested if `answered`."""
    from experimentations.matching import match_suppliers
    from experimentations.models import SupplierMatch

    need = make_need(status=Need.Status.SENT, title="Entretien des espaces verts des écoles")
    organisation = make_supplier(name, phone="0262 12 34 56", email="jardins@lontan.re")
    match_suppliers(need)
    match = SupplierMatch.objects.get(need=need, organisation=organisation)
    now = timezone.now()
    match.email, match.emailed_at, match.batch, match.opened_at, match.viewed_at = organisation.email, now, 1, now, now
    if answered:
        match.answer, match.answered_at, match.contact_shared_at = SupplierMatch.Answer.INTERESTED, now, now
        match.message = "Nous avons une équipe disponible dès janvier."
    match.save()
    return match
