"""Everything « L'ESS et vous » can hold about one person (lib/personal_data.py), made as the
portal makes it: for the app's own tests and the lead's cross-app test (a person who used
every action). Callable several times in one test, with different people."""

from dataclasses import dataclass
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from annuaire.models import Organisation, PartnerMembership
from appartenance import guide, prix
from appartenance.models_guide import GuideAction, GuideAssessment
from appartenance.models_prix import JuryMember, PrixApplication, PrixAttachment, PrixCampaign
from appartenance.models_report import GuideReport
from appartenance.models_resources import Licence, Resource, ResourceFormat
from comptes.models import User
from tests.annuaire.factories import OrganisationFactory
from tests.appartenance.factories import make_ready_report
from tests.appartenance.prix_factories import make_application, make_campaign, score
from tests.comptes.factories import UserFactory

ATTACHMENT = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n% piece de candidature\n"
REPORT = b"%PDF-1.4\n% rapport de bonnes pratiques\n"


@dataclass
class PersonRows:
    user: User
    organisation: Organisation
    assessment: GuideAssessment
    action: GuideAction
    report: GuideReport
    campaign: PrixCampaign
    application: PrixApplication
    attachment: PrixAttachment
    juror: JuryMember
    scored: PrixApplication  # the application the person scored as a juror
    resource: Resource


def _free_year() -> int:
    taken = set(PrixCampaign.objects.values_list("year", flat=True))
    return next(year for year in range(2100, 2000, -1) if year not in taken)


def _account(email, first_name, last_name) -> User:
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = UserFactory(email=email, first_name=first_name, last_name=last_name)
    return user


def make_person(email, first_name, last_name) -> PersonRows:
    """A member of an organisation of the directory who answered its good-practices
    self-assessment, created an action (and is its « porteur »), asked for its report, made
    and submitted its application to the Prix with a file, sits on that campaign's jury
    (declared a conflict with their own organisation, scored another application), and
    authored a resource."""
    user = _account(email, first_name, last_name)
    full_name = f"{first_name} {last_name}"
    organisation = OrganisationFactory(name=f"Association Ti Kaz du membre {user.pk}")
    PartnerMembership.objects.create(user=user, organisation=organisation)

    assessment = guide.start_assessment(organisation=organisation, year=timezone.localdate().year)
    theme = guide.guide().theme("gouvernance")
    errors = guide.save_answers(
        assessment=assessment,
        theme=theme,
        values={"gouvernance.instances": "oui", "gouvernance.salaries": "partiel"},
        by=user,
    )
    assert errors == {}
    action = guide.save_action(
        assessment=assessment,
        values={
            "theme": "gouvernance",
            "title": "Ouvrir le conseil aux salariés",
            "owner": f"{full_name} (trésorière)",
        },
        by=user,
    )
    report = make_ready_report(assessment, by=user, content=REPORT)

    campaign = make_campaign(year=_free_year(), phase="jury")
    application = make_application(campaign, organisation, user, submit=False, title="Une épicerie solidaire")
    when = campaign.opens_at + timedelta(hours=2)
    attachment = prix.add_attachment(
        application=application,
        title="Rapport d'activité",
        by=user,
        now=when,
        upload=SimpleUploadedFile("rapport-activite.pdf", ATTACHMENT),
    )
    prix.submit_application(application=application, by=user, now=when)

    neighbour = OrganisationFactory(name=f"Coopérative voisine du membre {user.pk}")
    neighbour_member = UserFactory(email=f"voisin-{neighbour.pk}@exemple.re", first_name="Paul", last_name="Voisin")
    PartnerMembership.objects.create(user=neighbour_member, organisation=neighbour)
    scored = make_application(campaign, neighbour, neighbour_member, title="Un jardin partagé")
    juror = JuryMember.objects.create(campaign=campaign, user=user, quality="Personnalité qualifiée")
    prix.declare_conflict(juror=juror, organisation=organisation, reason="Membre de la structure")
    score(juror, scored, 8, 6, 7, comment="Un projet ancré dans son quartier.")

    resource = Resource.objects.create(
        title="Guide de la gouvernance partagée",
        slug=f"guide-gouvernance-{user.pk}-{campaign.year}",
        summary="Un guide pratique.",
        author=f"{full_name} et la CRESS",
        published_on=timezone.localdate(),
        licence=Licence.CC_BY,
        format=ResourceFormat.GUIDE,
        external_url="https://exemple.re/guide",
        is_published=True,
    )
    return PersonRows(
        user=user,
        organisation=organisation,
        assessment=assessment,
        action=action,
        report=report,
        campaign=campaign,
        application=application,
        attachment=attachment,
        juror=juror,
        scored=scored,
        resource=resource,
    )
