"""Everything Action 1 can hold about one person (for the personal-data tests): the contact
of a partner, invited to a committee of a convention and to a committee of a convention
cofinanced by the FSE, and, through their account, a message in a convention's conversation
(answered by the team, who greet them by name) and a deliverable they uploaded.

The person's account is not made here (comptes' part): the message and the deliverable are
made only when an account with that address exists.
"""

import hashlib
import itertools
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from partenariats.models import CommitteeParticipant, ConventionMessage, PartnerContact
from tests.partenariats.factories import (
    make_commitment,
    make_committee,
    make_convention,
    make_deliverable,
    make_partner,
    pdf_upload,
)

_numbers = itertools.count(1)


def phone_of(email: str) -> str:
    digits = int(hashlib.sha256(email.encode()).hexdigest(), 16) % 10**6
    return f"0693 {digits // 10000:02d} {digits // 100 % 100:02d} {digits % 100:02d}"


def deliverable_bytes(email: str) -> bytes:
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n" + (
        f"% bilan de {email}\n".encode()
    )


def make_person(email: str, first_name: str, last_name: str) -> None:
    full_name = f"{first_name} {last_name}"
    number = next(_numbers)
    partner = make_partner(name=f"Chambre des métiers partenaire n°{number}")
    PartnerContact.objects.create(
        partner=partner,
        name=full_name,
        job_title="Chargée de mission ESS",
        email=email,
        phone=phone_of(email),
        is_primary=True,
    )
    # A committee of a convention (the Région funds it) and one of a convention the FSE cofinances.
    convention = make_convention(
        partner, status="en_vigueur", funder="Région Réunion", reference=f"CONV-RGPD-{number}a"
    )
    committee = make_committee(convention, held_at=timezone.now() - timedelta(days=3), place="Saint-Denis")
    CommitteeParticipant.objects.create(committee=committee, name=full_name, email=email.upper(), partner=partner)
    fse = make_convention(partner, status="en_vigueur", funder="FSE et Région", reference=f"CONV-RGPD-{number}b")
    fse_committee = make_committee(fse, held_at=timezone.now() - timedelta(days=10), place="Saint-Pierre")
    CommitteeParticipant.objects.create(committee=fse_committee, name=full_name, email=email, partner=partner)

    account = get_user_model().objects.filter(email__iexact=email).first()
    if account is None:
        return
    ConventionMessage.objects.create(
        convention=convention,
        author=account,
        partner=partner,
        body=f"Le bilan est prêt. {full_name}, {phone_of(email)}",
        created_at=timezone.now() - timedelta(hours=2),
    )
    ConventionMessage.objects.create(
        convention=convention,
        from_staff=True,
        body=f"Merci {first_name}, nous le regardons.",
        created_at=timezone.now() - timedelta(hours=1),
    )
    make_deliverable(
        make_commitment(convention, party=partner, title="Bilan annuel des orientations"),
        title="Bilan 2026",
        upload=pdf_upload("bilan-2026.pdf", deliverable_bytes(email)),
        by=account,
        by_partner=True,
    )
