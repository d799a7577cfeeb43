"""The job board's test data, made as employers, staff and candidates make it. States are
entered through the declared workflows (emplois.workflows), never by assignment; the dates
a test needs are then set by update()."""

import itertools
from datetime import timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.text import slugify

from emplois.models import Application, ApplicationTransition, Contract, Offer, OfferKind, OfferTransition, PayPeriod
from emplois.workflows import APPLICATION_WORKFLOW, OFFER_WORKFLOW
from referentiels.models import RomeFiche, Territory, TerritoryKind
from tests.annuaire.factories import OrganisationFactory

_numbers = itertools.count(1)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# The paths through OFFER_WORKFLOW from a draft to each state.
OFFER_PATHS = {
    Offer.Status.DRAFT: [],
    Offer.Status.REVIEW: [Offer.Status.REVIEW],
    Offer.Status.PUBLISHED: [Offer.Status.PUBLISHED],
    Offer.Status.REFUSED: [Offer.Status.REVIEW, Offer.Status.REFUSED],
    Offer.Status.FILLED: [Offer.Status.PUBLISHED, Offer.Status.FILLED],
    Offer.Status.EXPIRED: [Offer.Status.PUBLISHED, Offer.Status.EXPIRED],
}
APPLICATION_PATHS = {
    Application.Status.RECEIVED: [],
    Application.Status.SEEN: [Application.Status.SEEN],
    Application.Status.INTERVIEW: [Application.Status.INTERVIEW],
    Application.Status.HIRED: [Application.Status.INTERVIEW, Application.Status.HIRED],
    Application.Status.REJECTED: [Application.Status.REJECTED],
}


def commune(code: str = "97411") -> Territory:
    return Territory.objects.get(kind=TerritoryKind.COMMUNE, code=code)


def rome(code: str = "K1302") -> RomeFiche:
    return RomeFiche.objects.get(code=code)


def make_offer(
    title: str | None = None,
    *,
    status=Offer.Status.PUBLISHED,
    organisation=None,
    published_ago: timedelta = timedelta(hours=1),
    rome_code: str = "K1302",
    commune_code: str | None = "97411",
    **fields,
) -> Offer:
    """An offer (a CDI at Saint-Denis by default, `contract="benevolat"` for a mission),
    moved to `status` through OFFER_WORKFLOW; published `published_ago`."""
    number = next(_numbers)
    title = title or f"Aide à domicile n°{number}"
    volunteering = fields.get("contract") == Contract.VOLUNTEERING
    values = {
        "organisation": organisation or OrganisationFactory(is_ess_actor=True),
        "title": title,
        "slug": slugify(title)[:150],
        "kind": OfferKind.VOLUNTEERING if volunteering else OfferKind.JOB,
        "rome": rome(rome_code),
        "contract": Contract.CDI,
        "working_time": "" if volunteering else "temps_plein",
        "hours_per_week": None if volunteering else Decimal("35"),
        "volunteer_time": "2 heures par semaine" if volunteering else "",
        "pay_min": None if volunteering else Decimal("1800"),
        "pay_max": None if volunteering else Decimal("2100"),
        "pay_period": "" if volunteering else PayPeriod.MONTH,
        "commune": commune(commune_code) if commune_code else None,
        "closes_on": timezone.localdate() + timedelta(days=30),
        "description": "<p>Accompagner des personnes âgées à leur domicile : aide au lever, aux repas.</p>",
        "profile": "<p>Diplôme d'État d'accompagnant éducatif et social apprécié.</p>",
        "contact_email": f"recrutement{number}@exemple.re",
        **fields,
    }
    offer = Offer.objects.create(**values)
    for target in OFFER_PATHS[status]:
        reason = {"refusal_reason": "Offre incomplète."} if target == Offer.Status.REFUSED else {}
        if target == Offer.Status.PUBLISHED:
            reason = {"published_at": timezone.now() - published_ago}
        OFFER_WORKFLOW.apply(offer, target, log_model=OfferTransition, comment="Test.", changes=reason)
    offer.refresh_from_db()
    return offer


def make_application(offer: Offer | None = None, *, status=Application.Status.RECEIVED, **fields) -> Application:
    """An application with a PDF CV, moved to `status` through APPLICATION_WORKFLOW."""
    offer = offer or make_offer()
    number = next(_numbers)
    application = Application(
        offer=offer,
        reference=f"CAND-2026-{number:05d}",
        name=fields.pop("name", "Josette Hoarau"),
        email=fields.pop("email", f"candidate{number}@exemple.re"),
        message=fields.pop("message", "Aide à domicile depuis six ans, je souhaite rejoindre votre association."),
        consent_text="J'accepte que mes données soient transmises à l'employeur.",
        consent_at=timezone.now(),
        **fields,
    )
    application.cv.save("cv.pdf", ContentFile(PDF), save=False)
    application.cv_name = "cv.pdf"
    application.save()
    for target in APPLICATION_PATHS[status]:
        APPLICATION_WORKFLOW.apply(
            application, target, log_model=ApplicationTransition, changes={"status_changed_at": timezone.now()}
        )
    application.refresh_from_db()
    return application


def make_job_alert(email: str = "alerte-emploi@exemple.re", *, query: str = "", confirmed: bool = True, **fields):
    """A saved search of the offers, confirmed by default (its link's hash is random)."""
    from emplois.models import JobAlert
    from lib.tokens import new_token

    now = timezone.now()
    return JobAlert.objects.create(
        email=email,
        query=query,
        label=fields.pop("label", "Offres : toutes"),
        token_hash=new_token()[1],
        consent_text="J'accepte de recevoir ces offres.",
        consent_at=now,
        confirmed_at=now if confirmed else None,
        watermark=now - timedelta(days=7),
        **fields,
    )


def job_board_rows(organisation=None) -> Offer:
    """A row of each of the job board's admin models, as the access matrix and the admin walk
    need them: a published offer with an application seen, an alert sent that offer."""
    from emplois.models import JobAlertDelivery

    offer = make_offer("Animateur ou animatrice périscolaire", organisation=organisation, rome_code="G1203")
    make_application(offer, status=Application.Status.SEEN)
    JobAlertDelivery.objects.create(alert=make_job_alert(), offer=offer)
    make_skills_record()  # emplois.SkillsRecord (and an experience)
    return offer


# --- The skills record (emplois.skills) -------------------------------------------------------


def make_skills_record(email: str = "benevole@exemple.re", *, experiences: int = 1, **fields):
    """A skills record with `experiences` volunteer experiences (each with two CléA skills),
    and a live private link to it: returns the record; its token is `record.token`."""
    from emplois import skills
    from emplois.models_skills import SkillsExperience, SkillsRecord
    from messagerie.links import issue_token

    now = timezone.now()
    record = SkillsRecord.objects.create(
        email=email, consent_text=skills.CONSENT_TEXT, consent_at=now, last_activity_at=now, **fields
    )
    SkillsExperience.objects.bulk_create(
        SkillsExperience(
            record=record,
            role=f"Bénévole n°{number}",
            organisation_name=f"Association n°{number}",
            kind=SkillsExperience.Kind.VOLUNTEER,
            starts_on=timezone.localdate() - timedelta(days=400 + number),
            hours_per_week=Decimal("5"),
            skills=["1.1", "4.2"],
            association_three_years="oui",
            general_interest="oui",
            volunteer_role="direction",
        )
        for number in range(1, experiences + 1)
    )
    record.token = issue_token(purpose=skills.RECORD_LINK, object_id=record.pk, expires_at=now + timedelta(days=365))
    return record
