"""Partners, conventions, commitments and committees as staff make them; states beyond the
first go through the declared workflows (partenariats.services), never by assignment."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from annuaire.models import PartnerMembership
from partenariats import services
from partenariats.models import (
    Commitment,
    Committee,
    CommitteeParticipant,
    Convention,
    Decision,
    Partner,
    PartnerContact,
    PartnerKind,
)
from tests.annuaire.factories import OrganisationFactory
from tests.comptes.factories import UserFactory

_counter = {"n": 0}

# The path from « projet » to each state (CONVENTION_WORKFLOW).
CONVENTION_PATHS = {
    "projet": [],
    "en_signature": ["en_signature"],
    "en_vigueur": ["en_signature", "en_vigueur"],
    "a_renouveler": ["en_signature", "en_vigueur", "a_renouveler"],
    "echue": ["en_signature", "en_vigueur", "echue"],
    "resiliee": ["en_signature", "en_vigueur", "resiliee"],
}
COMMITMENT_PATHS = {
    "a_faire": [],
    "en_cours": ["en_cours"],
    "declare_tenu": ["declare_tenu"],
    "tenu": ["tenu"],
    "en_retard": ["en_retard"],
    "abandonne": ["abandonne"],
}


def _next() -> int:
    _counter["n"] += 1
    return _counter["n"]


def make_partner(*, name=None, kind=PartnerKind.CHAMBER, organisation=None, **fields) -> Partner:
    organisation = organisation or OrganisationFactory(name=name or f"Chambre partenaire n°{_next()}")
    fields.setdefault("public_description", f"Le partenariat avec {organisation.name} accompagne les porteurs.")
    return Partner.objects.create(organisation=organisation, kind=kind, **fields)


def make_contact(partner, **fields) -> PartnerContact:
    fields.setdefault("name", "Marie Payet")
    fields.setdefault("email", f"contact{_next()}@partenaire.re")
    return PartnerContact.objects.create(partner=partner, **fields)


def make_convention(*parties, status="projet", start=None, end=None, owner=None, by=None, **fields) -> Convention:
    n = _next()
    start = start or timezone.localdate() - timedelta(days=30)
    end = end or start + timedelta(days=365)
    fields.setdefault("reference", f"CONV-2026-{n:03d}")
    fields.setdefault("title", f"Convention de partenariat n°{n}")
    fields.setdefault("object", "Accompagner ensemble les porteurs de projet de l'ESS.")
    convention = Convention.objects.create(start_date=start, end_date=end, owner=owner, **fields)
    convention.parties.set(parties or [make_partner()])
    for target in CONVENTION_PATHS[status]:
        services.move_convention(convention, target, by=by, comment="Fin anticipée." if target == "resiliee" else "")
    return convention


def make_commitment(convention, *, status="a_faire", party=None, due=None, owner=None, by=None, **fields):
    fields.setdefault("title", f"Engagement n°{_next()}")
    commitment = Commitment.objects.create(
        convention=convention,
        party=party,
        due_date=due or timezone.localdate() + timedelta(days=60),
        owner=owner,
        **fields,
    )
    for target in COMMITMENT_PATHS[status]:
        services.move_commitment(commitment, target, by=by)
    return commitment


def make_committee(convention, *, held_at=None, participants=(), **fields) -> Committee:
    fields.setdefault("agenda", "Bilan de l'année\nEngagements de l'an prochain")
    committee = Committee.objects.create(
        convention=convention, held_at=held_at or timezone.now() - timedelta(days=1), **fields
    )
    for name, email in participants:
        CommitteeParticipant.objects.create(committee=committee, name=name, email=email)
    return committee


def make_decision(committee, *, text="Le comité décide d'organiser un forum.", **fields) -> Decision:
    return Decision.objects.create(committee=committee, text=text, **fields)


def make_participant(committee, name="Marie Payet", *, email="", partner=None, attended=True) -> CommitteeParticipant:
    return CommitteeParticipant.objects.create(
        committee=committee, name=name, email=email, partner=partner, attended=attended
    )


def make_member(partner, **fields):
    """A user who acts for `partner` (a membership of the partner's organisation)."""
    user = UserFactory(**fields)
    PartnerMembership.objects.create(user=user, organisation=partner.organisation)
    return user


# A small but real PDF: what lib.uploads reads as one (its first bytes).
PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def pdf_upload(name="document.pdf", content=PDF_BYTES):

    return SimpleUploadedFile(name, content, content_type="application/pdf")


def make_amendment(convention, *, number=None, file=True, by=None, **fields):
    """An amendment recorded through the service (a new end date or amount applies to the convention)."""
    fields.setdefault("signed_on", timezone.localdate())
    fields.setdefault("summary", "Avenant de précision des engagements.")
    number = number or convention.amendments.count() + 1
    upload = pdf_upload(f"avenant-{number}.pdf") if file else None
    return services.record_amendment(convention=convention, number=number, file=upload, by=by, **fields)


def make_deliverable(commitment, *, title="Bilan d'étape", upload=None, by=None, by_partner=False):
    """A deliverable uploaded through the service, a PDF unless told."""
    return services.add_deliverable(
        commitment=commitment, title=title, upload=upload or pdf_upload("bilan.pdf"), by=by, by_partner=by_partner
    )
