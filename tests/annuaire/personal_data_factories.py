"""Everything the directory can hold about one person: a structure whose contact address
and phone are theirs (edited once from their account, of which they are the manager), a claim
on another structure (refused), a proposal of a new structure with a logo (refused) and a
correction of a structure (waiting)."""

import io
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from PIL import Image

from annuaire.contributions import reject_claim, reject_contribution, submit_claim, submit_contribution
from annuaire.models import Contribution, PartnerMembership
from annuaire.services import save_organisation
from tests.annuaire.factories import OrganisationFactory, commune
from tests.comptes.personal_data_factories import person_account, staff_member

CONSENT = "J'accepte que la CRESS traite ces informations pour cette demande."


def logo_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), "teal").save(buffer, "PNG")
    return buffer.getvalue()


def phone_of(email: str) -> str:
    """A phone number of this person's own, the same at each call."""
    return "0692 " + " ".join(
        f"{uuid.uuid5(uuid.NAMESPACE_DNS, email.lower()).int % 10**6:06d}"[i : i + 2] for i in (0, 2, 4)
    )


@transaction.atomic
def make_person(email, first_name, last_name) -> None:
    user = person_account(email, first_name, last_name)
    tag = uuid.uuid4().hex[:8]
    own = OrganisationFactory(name=f"Atelier solidaire {tag}", email=email, phone=phone_of(email))
    PartnerMembership.objects.create(user=user, organisation=own, role=PartnerMembership.Role.ADMIN)
    own.description = "Réparation de vélos et d'électroménager."
    save_organisation(organisation=own, by=user)
    other = OrganisationFactory(name=f"Coopérative d'activités {tag}", email=f"contact-{tag}@cae.exemple")
    claim = submit_claim(
        organisation=other,
        name=f"{first_name} {last_name}",
        email=email,
        position="Co-gérante",
        message=f"Je suis {first_name}, joignable au {phone_of(email)}.",
        consent_text=CONSENT,
    )
    reject_claim(claim=claim, by=staff_member(), comment="Fonction non confirmée par la structure.")
    proposal = submit_contribution(
        kind=Contribution.Kind.NEW,
        values={"name": f"Ressourcerie {tag}", "commune": commune("97409"), "description": "Réemploi."},
        logo=SimpleUploadedFile(f"logo-{tag}.png", logo_bytes(), content_type="image/png"),
        message="Nous ouvrons en janvier.",
        contributor_name=f"{first_name} {last_name}",
        contributor_email=email,
        consent_text=CONSENT,
    )
    reject_contribution(contribution=proposal, by=staff_member(), comment="Cette structure figure déjà à l'annuaire.")
    submit_contribution(
        kind=Contribution.Kind.CORRECTION,
        organisation=other,
        values={"website": f"https://{tag}.exemple"},
        contributor_name=f"{first_name} {last_name}",
        contributor_email=email.upper(),
        consent_text=CONSENT,
    )
