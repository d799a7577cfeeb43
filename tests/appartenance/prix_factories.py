"""Rows of the Prix de l'ESS for tests: a campaign whose timetable is placed around now,
applications made through the services, jurors with their scores."""

from datetime import timedelta

from django.utils import timezone

from annuaire.models import PartnerMembership
from appartenance import prix
from appartenance.models_prix import JuryMember, PrixCampaign, PrixCategory, PrixCriterion
from tests.annuaire.factories import OrganisationFactory
from tests.comptes.factories import UserFactory

CATEGORIES = ("Utilité sociale", "Transition écologique", "Coopération", "Coup de cœur")
CRITERIA = (("Utilité sociale du projet", 3), ("Ancrage territorial", 2), ("Gouvernance", 1))


def make_campaign(*, year=2026, phase="open", now=None) -> PrixCampaign:
    """`phase`: « open » (applications open now) or « jury » (the jury examines now)."""
    now = now or timezone.now()
    day = timedelta(days=1)
    if phase == "open":
        opens = now - 10 * day
    elif phase == "jury":
        opens = now - 40 * day
    else:
        raise ValueError(phase)
    campaign = PrixCampaign.objects.create(
        year=year, title=f"Prix de l'ESS {year}", intro="Le prix qui distingue les structures de l'ESS.",
        opens_at=opens, closes_at=opens + 20 * day, jury_starts_at=opens + 21 * day, jury_ends_at=opens + 60 * day,
        results_at=opens + 70 * day,
    )  # fmt: skip
    for position, name in enumerate(CATEGORIES):
        PrixCategory.objects.create(campaign=campaign, name=name, position=position)
    for position, (name, weight) in enumerate(CRITERIA):
        PrixCriterion.objects.create(campaign=campaign, name=name, weight=weight, position=position)
    return campaign


def make_applicant(name="Ti Kaz Solidaire", *, email=None, **fields):
    """An organisation of the directory (an association at La Réunion) and a member of it."""
    organisation = OrganisationFactory(name=name, **fields)
    user = UserFactory(email=email or f"membre-{organisation.pk}@exemple.re")
    PartnerMembership.objects.create(user=user, organisation=organisation)
    return organisation, user


def make_application(campaign, organisation, user, *, category=0, submit=True, title="Un projet solidaire"):
    """An application made while the applications are open (moved back in time if the
    campaign is past its closing), submitted unless told otherwise."""
    when = campaign.opens_at + timedelta(hours=1)
    application = prix.start_application(
        campaign=campaign, organisation=organisation, category=campaign.categories.all()[category], by=user, now=when
    )
    prix.save_draft(
        application=application,
        values={"project_title": title, "summary": "Une épicerie solidaire.", "impact": "Trente familles aidées."},
        now=when,
    )
    if submit:
        prix.submit_application(application=application, by=user, now=when)
    return application


def make_juror(campaign, email="jure@exemple.re") -> JuryMember:
    return JuryMember.objects.create(campaign=campaign, user=UserFactory(email=email), quality="Personnalité qualifiée")


def score(juror, application, *values, comment=""):
    """The juror's scores, in the order of the criteria."""
    criteria = list(juror.campaign.criteria.all())
    return prix.score_application(
        juror=juror, application_id=application.pk, points=dict(zip([c.pk for c in criteria], values, strict=True)),
        comment=comment,
    )  # fmt: skip


def make_prix_rows(*, organisation, member, other_organisation, other_member):
    """A campaign under examination: an application of each organisation (the first with a
    file), a juror who declared the second organisation and scored the first. For the
    access matrix's world and the admin pages."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    campaign = make_campaign(phase="jury")
    application = make_application(campaign, organisation, member, submit=False)
    when = campaign.opens_at + timedelta(hours=2)
    prix.add_attachment(
        application=application, title="Rapport d'activité", by=member, now=when,
        upload=SimpleUploadedFile("rapport.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"),
    )  # fmt: skip
    prix.submit_application(application=application, by=member, now=when)
    other = make_application(campaign, other_organisation, other_member)
    juror = make_juror(campaign, email="jure.prix@exemple.re")
    prix.declare_conflict(juror=juror, organisation=other_organisation, reason="Administratrice")
    score(juror, application, 8, 6, 7, comment="Un projet solide.")
    return campaign, application, other, juror
