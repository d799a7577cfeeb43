"""What the directory holds about a person (lib/personal_data.py): the organisations whose
published contact address is theirs (and those pages' past versions), the contributions and
claims they sent (with their logs), their memberships of partner structures, and the edits
they made to a page from their account.

Erasing deletes contributions, claims (their logs go with them, a proposed logo with its row
unless an organisation now shows it) and memberships, as the retention job does after
CONTRIBUTION_RETENTION_DAYS. An organisation stays in the directory: the person's contact
details (address and phone, taken together as theirs) are blanked on the page and in its past
versions, and the versions a partner saved no longer name their account. Nothing here is kept for a legal duty.
"""

from django.core.exceptions import ValidationError

from annuaire.contributions import CLAIM_LINK, CONTRIBUTION_FIELDS, display_value
from annuaire.models import (
    Claim,
    ClaimTransition,
    Contribution,
    ContributionTransition,
    Organisation,
    PartnerMembership,
)
from annuaire.services import save_organisation
from lib.personal_data import (
    Document,
    Erased,
    Found,
    PersonalDataProvider,
    Record,
    Retention,
    normalise_email,
    when,
    yes_no,
)
from messagerie.models import PrivateLink

HistoricalOrganisation = Organisation.history.model
HISTORY_TYPES = {"+": "Création", "~": "Modification", "-": "Suppression"}


def _transition(kind_of_subject: str, row) -> dict:
    return {
        kind_of_subject: row.subject_id,
        "date": when(row.created_at),
        "état de départ": _state_label(row.subject, row.from_state),
        "nouvel état": _state_label(row.subject, row.to_state),
        "commentaire": row.comment,
    }


def _state_label(subject, state: str) -> str:
    return dict(type(subject).Status.choices).get(state, state)


def find(email: str) -> Found:
    email = normalise_email(email)
    if not email:
        return Found()  # an empty address would match every row whose address was erased
    found = Found()
    for organisation in Organisation.objects.filter(email__iexact=email).select_related("commune").order_by("pk"):
        found.records.append(
            Record(
                "Structure dont vous êtes le contact",
                {
                    "structure": organisation.name,
                    "adresse électronique": organisation.email,
                    "téléphone": organisation.phone,
                    "adresse": organisation.address,
                    "code postal": organisation.postcode,
                    "commune": organisation.commune.name if organisation.commune else "",
                    "publiée dans l'annuaire": yes_no(organisation.is_published),
                },
            )
        )
    for version in HistoricalOrganisation.objects.filter(email__iexact=email).order_by("history_date", "history_id"):
        found.records.append(
            Record(
                "Version passée d'une fiche de structure",
                {
                    "structure": version.name,
                    "date": when(version.history_date),
                    "changement": HISTORY_TYPES.get(version.history_type, ""),
                    "adresse électronique": version.email,
                    "téléphone": version.phone,
                },
            )
        )
    for version in HistoricalOrganisation.objects.filter(history_user__email__iexact=email).order_by(
        "history_date", "history_id"
    ):
        found.records.append(
            Record(
                "Modification d'une fiche faite depuis votre compte",
                {
                    "structure": version.name,
                    "date": when(version.history_date),
                    "changement": HISTORY_TYPES.get(version.history_type, ""),
                },
            )
        )
    contributions = (
        Contribution.objects.filter(contributor_email__iexact=email).select_related("organisation").order_by("pk")
    )
    for contribution in contributions:
        found.records.append(
            Record(
                "Proposition de contribution",
                {
                    "numéro": contribution.pk,
                    "type": contribution.get_kind_display(),
                    "structure concernée": contribution.organisation.name if contribution.organisation else "",
                    "valeurs proposées": {
                        CONTRIBUTION_FIELDS[field]: display_value(field, value)
                        for field, value in contribution.proposed.items()
                        if field in CONTRIBUTION_FIELDS
                    },
                    "message": contribution.message,
                    "nom du contributeur": contribution.contributor_name,
                    "adresse du contributeur": contribution.contributor_email,
                    "consentement accepté": contribution.consent_text,
                    "consentement donné le": when(contribution.consent_at),
                    "état": contribution.get_status_display(),
                    "reçue le": when(contribution.created_at),
                },
            )
        )
        if contribution.logo:
            found.documents.append(
                Document(
                    name=f"proposition-{contribution.pk}/{contribution.logo.name.rsplit('/', 1)[-1]}",
                    file=contribution.logo,
                )
            )
    for row in ContributionTransition.objects.filter(subject__in=contributions).select_related("subject"):
        found.records.append(Record("Suite donnée à une proposition", _transition("proposition", row)))
    claims = Claim.objects.filter(email__iexact=email).select_related("organisation").order_by("pk")
    for claim in claims:
        found.records.append(
            Record(
                "Demande de gestion d'une fiche",
                {
                    "numéro": claim.pk,
                    "structure": claim.organisation.name,
                    "nom et prénom": claim.name,
                    "adresse électronique": claim.email,
                    "fonction dans la structure": claim.position,
                    "message": claim.message,
                    "consentement accepté": claim.consent_text,
                    "consentement donné le": when(claim.consent_at),
                    "état": claim.get_status_display(),
                    "demandée le": when(claim.created_at),
                    "lien valable jusqu'au": when(claim.expires_at),
                },
            )
        )
    for row in ClaimTransition.objects.filter(subject__in=claims).select_related("subject"):
        found.records.append(Record("Suite donnée à une demande de gestion", _transition("demande", row)))
    memberships = PartnerMembership.objects.filter(user__email__iexact=email).select_related("organisation")
    for membership in memberships.order_by("pk"):
        found.records.append(
            Record(
                "Rattachement à une structure partenaire",
                {
                    "structure": membership.organisation.name,
                    "rôle": membership.get_role_display(),
                    "depuis le": when(membership.created_at),
                },
            )
        )
    return found


def erase(email: str, *, by) -> Erased:
    email = normalise_email(email)
    if not email:
        return Erased()
    erased = Erased()
    for organisation in Organisation.objects.filter(email__iexact=email):
        organisation.email = ""
        organisation.phone = ""
        try:
            save_organisation(organisation=organisation, by=by)
        except ValidationError:
            # A record imported with a value the form would refuse today (an old postcode…)
            # must not stop an erasure: the two fields are blanked without the checks.
            Organisation.objects.filter(pk=organisation.pk).update(email="", phone="")
        erased.erased += 1
    erased.erased += HistoricalOrganisation.objects.filter(email__iexact=email).update(email="", phone="")
    # The versions a partner saved from their account no longer say who (a staff member's
    # edits stay theirs: their account is held by comptes, with the trail of what it did).
    erased.erased += HistoricalOrganisation.objects.filter(
        history_user__email__iexact=email, history_user__is_staff=False, history_user__is_superuser=False
    ).update(history_user=None)
    contributions = Contribution.objects.filter(contributor_email__iexact=email)
    erased.erased += contributions.delete()[1].get(Contribution._meta.label, 0)
    # Someone else's proposal that gave the person's address as a page's: that address and
    # the phone with it are theirs.
    for contribution in Contribution.objects.filter(proposed__email__iexact=email):
        contribution.proposed = {
            field: value for field, value in contribution.proposed.items() if field not in {"email", "phone"}
        }
        contribution.save(update_fields=["proposed"])
        erased.erased += 1
    claims = Claim.objects.filter(email__iexact=email)
    PrivateLink.objects.filter(purpose=CLAIM_LINK, object_id__in=claims.values("pk")).delete()
    erased.erased += claims.delete()[1].get(Claim._meta.label, 0)
    erased.erased += PartnerMembership.objects.filter(user__email__iexact=email).delete()[0]
    return erased


PROVIDER = PersonalDataProvider(
    name="annuaire",
    label="Annuaire des structures",
    order=20,
    models=(
        "annuaire.Organisation",
        "annuaire.HistoricalOrganisation",
        "annuaire.Contribution",
        "annuaire.ContributionTransition",
        "annuaire.Claim",
        "annuaire.ClaimTransition",
        "annuaire.PartnerMembership",
    ),
    find=find,
    erase=erase,
    retentions=(
        Retention(
            treatment="Propositions de contribution et demandes de gestion d'une fiche (nom, adresse "
            "électronique, fonction, message)",
            basis="Consentement",
            period="{CONTRIBUTION_RETENTION_DAYS} jours après leur traitement (ou l'expiration du lien de "
            "confirmation)",
            settings=("CONTRIBUTION_RETENTION_DAYS",),
        ),
        Retention(
            treatment="Coordonnées publiées des structures de l'annuaire, parfois celles d'une personne, et "
            "l'historique de leurs fiches",
            basis="Exécution d'une mission d'intérêt public (l'annuaire de l'ESS à La Réunion)",
            period="Tant que la structure figure à l'annuaire ; effacées à la demande de la personne",
        ),
        Retention(
            treatment="Rattachements des comptes partenaires à leur structure",
            basis="Exécution d'une mission d'intérêt public (l'orientation des porteurs de projet)",
            period="Jusqu'à la fin du rattachement ou la suppression du compte",
        ),
    ),
)
