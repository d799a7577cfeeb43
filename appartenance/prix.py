"""The Prix de l'ESS (issue 20, point 7): what applicants, jurors and staff do.

- An organisation of the directory applies through its members (annuaire memberships):
  a draft saved step by step, files checked by their content, then submitted within the
  timetable (Reunion time) and frozen (the service refuses, and so does the database).
- A juror sees and scores only what `applications_for_juror` returns: the submitted
  applications of the campaign less those of the organisations they declared. The jury
  pages, the CSV export and the JSON answer all read through it.
- Before the deliberation is recorded, a juror reads their own scores only.
- Staff read the ranking (weighted mean per application, spread between jurors), record
  the deliberation, then publish: the laureates' page opens, a news item goes through
  lib.news, each applicant is emailed through the outbox.
"""

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Prefetch
from django.urls import reverse
from django.utils import timezone

from annuaire import selectors as directory
from appartenance.models_badges import EssVerification
from appartenance.models_prix import (
    APPLICATION_WORKFLOW,
    SCORE_MAX,
    ApplicationStatus,
    ConflictOfInterest,
    JuryMember,
    PrixApplication,
    PrixApplicationTransition,
    PrixAttachment,
    PrixCampaign,
    PrixCategory,
    PrixEvaluation,
    PrixScore,
)
from lib import news
from lib.dates import french_datetime
from lib.uploads import DOCUMENT_KINDS, accepted_label, validate_document
from messagerie.services import queue_email

MAX_ATTACHMENTS = 5
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ATTACHMENT_KINDS = DOCUMENT_KINDS
ATTACHMENT_KINDS_LABEL = accepted_label(ATTACHMENT_KINDS)
REQUIRED_FIELDS = {"project_title": "le titre du projet", "summary": "le projet en bref", "impact": "ses effets"}
DECIDED = (ApplicationStatus.SUBMITTED, ApplicationStatus.LAUREATE, ApplicationStatus.NOT_SELECTED)


class PrixError(Exception):
    """An operation refused, with its French message."""


# --- The campaign and its timetable ----------------------------------------------------------


class Phase:
    UPCOMING = "a_venir"
    OPEN = "ouvertes"
    CLOSED = "closes"
    JURY = "jury"
    DELIBERATED = "deliberation"
    PUBLISHED = "resultats"


PHASE_LABELS = {
    Phase.UPCOMING: "Candidatures bientôt ouvertes",
    Phase.OPEN: "Candidatures ouvertes",
    Phase.CLOSED: "Candidatures closes",
    Phase.JURY: "Examen par le jury",
    Phase.DELIBERATED: "Le jury a délibéré : résultats bientôt publiés",
    Phase.PUBLISHED: "Résultats publiés",
}


def phase(campaign: PrixCampaign, now=None) -> str:
    now = now or timezone.now()
    if campaign.published_at:
        return Phase.PUBLISHED
    if campaign.deliberated_at:
        return Phase.DELIBERATED
    if now < campaign.opens_at:
        return Phase.UPCOMING
    if now < campaign.closes_at:
        return Phase.OPEN
    if now < campaign.jury_starts_at:
        return Phase.CLOSED
    return Phase.JURY


def timetable(campaign: PrixCampaign) -> list[tuple[str, str]]:
    """The steps of the campaign, each with its date written in Reunion time."""
    return [
        ("Ouverture des candidatures", french_datetime(campaign.opens_at)),
        ("Clôture des candidatures", french_datetime(campaign.closes_at)),
        (
            "Examen par le jury",
            f"du {french_datetime(campaign.jury_starts_at)} au {french_datetime(campaign.jury_ends_at)}",
        ),
        ("Annonce des résultats", french_datetime(campaign.results_at)),
    ]


def current_campaign() -> PrixCampaign | None:
    """The latest campaign (the one the public page shows)."""
    return PrixCampaign.objects.order_by("-year").first()


def campaign_of_year(year: int) -> PrixCampaign | None:
    return PrixCampaign.objects.filter(year=year).first()


# --- Applicants: the organisation's members -------------------------------------------------


def organisations_of(user):
    return directory.organisations_of(user)


def is_in_reunion(organisation) -> bool:
    return organisation.commune_id is not None or organisation.postcode.startswith("974")


def has_ess_status(organisation) -> bool:
    return bool(
        organisation.ess_family
        or organisation.ess_declared
        or organisation.esus_agreement
        or EssVerification.objects.filter(organisation=organisation).exists()
    )


def eligibility_problems(*, organisation, campaign: PrixCampaign) -> list[str]:
    """Why the organisation may not apply to the campaign (empty when it may)."""
    problems = []
    if not is_in_reunion(organisation):
        problems.append("La structure n'est pas à La Réunion d'après l'annuaire (commune ou code postal en 974).")
    if not has_ess_status(organisation):
        problems.append(
            "La structure n'a pas de statut de l'ESS dans l'annuaire (famille de l'ESS, qualité ESS déclarée, "
            "agrément ESUS ou statut vérifié par la CRESS)."
        )
    return problems


def application_for(user, pk: int) -> PrixApplication | None:
    """An application of an organisation the user acts for (None otherwise)."""
    if not user.is_authenticated:
        return None
    return (
        PrixApplication.objects.filter(pk=pk, organisation__memberships__user=user)
        .select_related("campaign", "category", "organisation")
        .first()
    )


def applications_of(user, campaign: PrixCampaign) -> list[PrixApplication]:
    return list(
        PrixApplication.objects.filter(campaign=campaign, organisation__memberships__user=user)
        .select_related("category", "organisation")
        .order_by("organisation__name", "category__position")
    )


def _require_open(campaign: PrixCampaign, now) -> None:
    if now < campaign.opens_at:
        raise PrixError(f"Les candidatures ouvrent le {french_datetime(campaign.opens_at)} (heure de La Réunion).")
    if now >= campaign.closes_at:
        raise PrixError(
            f"Les candidatures sont closes depuis le {french_datetime(campaign.closes_at)} (heure de La Réunion)."
        )


def _require_draft(application: PrixApplication) -> None:
    if not application.is_draft:
        raise PrixError("Cette candidature est déposée : elle ne se modifie plus.")


@transaction.atomic
def start_application(*, campaign, organisation, category: PrixCategory, by, now=None) -> PrixApplication:
    """A draft application of the organisation in a category (one per category, and no
    more than the campaign allows), within the timetable, if the organisation is eligible."""
    now = now or timezone.now()
    _require_open(campaign, now)
    if category.campaign_id != campaign.pk:
        raise PrixError("Choisissez une catégorie de cette campagne.")
    problems = eligibility_problems(organisation=organisation, campaign=campaign)
    if problems:
        raise PrixError(" ".join(problems))
    existing = PrixApplication.objects.select_for_update().filter(campaign=campaign, organisation=organisation)
    if any(application.category_id == category.pk for application in existing):
        raise PrixError(f"La structure a déjà une candidature dans la catégorie « {category.name} ».")
    if len(existing) >= campaign.max_applications:
        raise PrixError(f"Une structure présente {campaign.max_applications} candidature(s) au plus.")
    return PrixApplication.objects.create(
        campaign=campaign, category=category, organisation=organisation, created_by=by
    )


def save_draft(*, application: PrixApplication, values: dict, now=None) -> PrixApplication:
    """Save what a step of the form holds (only the fields given): the draft stays a draft."""
    _require_draft(application)
    _require_open(application.campaign, now or timezone.now())
    for name in ("project_title", "summary", "impact"):
        if name in values:
            setattr(application, name, (values[name] or "").replace("\x00", "").strip())
    try:
        application.full_clean(exclude=["campaign", "category", "organisation", "created_by"])
    except ValidationError as error:
        raise PrixError(" ".join(error.messages)) from None
    application.save()
    return application


def add_attachment(*, application: PrixApplication, title: str, upload, by, now=None) -> PrixAttachment:
    _require_draft(application)
    _require_open(application.campaign, now or timezone.now())
    if application.attachments.count() >= MAX_ATTACHMENTS:
        raise PrixError(f"Une candidature a {MAX_ATTACHMENTS} pièces jointes au plus : retirez-en une d'abord.")
    try:
        kind = validate_document(upload, max_bytes=MAX_ATTACHMENT_BYTES, kinds=ATTACHMENT_KINDS)
    except ValidationError as error:
        raise PrixError(" ".join(error.messages)) from None
    return PrixAttachment.objects.create(
        application=application, title=title.strip()[:120] or upload.name[:120], file=upload, file_kind=kind,
        uploaded_by=by,
    )  # fmt: skip


def remove_attachment(*, application: PrixApplication, attachment: PrixAttachment, now=None) -> None:
    _require_draft(application)
    _require_open(application.campaign, now or timezone.now())
    attachment.delete()


def missing_for_submission(application: PrixApplication) -> list[str]:
    return [label for name, label in REQUIRED_FIELDS.items() if not getattr(application, name).strip()]


@transaction.atomic
def submit_application(*, application: PrixApplication, by, now=None) -> PrixApplication:
    """Submit the draft: complete, eligible, before the closing; frozen from then on."""
    now = now or timezone.now()
    _require_draft(application)
    _require_open(application.campaign, now)
    missing = missing_for_submission(application)
    if missing:
        raise PrixError("Avant de déposer, remplissez " + ", ".join(missing) + ".")
    problems = eligibility_problems(organisation=application.organisation, campaign=application.campaign)
    if problems:
        raise PrixError(" ".join(problems))
    APPLICATION_WORKFLOW.apply(
        application,
        ApplicationStatus.SUBMITTED,
        log_model=PrixApplicationTransition,
        by=by,
        changes={"submitted_at": now, "submitted_by": by},
    )
    return application


# --- The jury -------------------------------------------------------------------------------


def juror_for(user, campaign: PrixCampaign) -> JuryMember | None:
    if not user.is_authenticated:
        return None
    return JuryMember.objects.filter(campaign=campaign, user=user).select_related("campaign").first()


def juries_of(user) -> list[JuryMember]:
    if not user.is_authenticated:
        return []
    return list(JuryMember.objects.filter(user=user).select_related("campaign").order_by("-campaign__year"))


def applications_for_juror(juror: JuryMember):
    """THE list of what a juror may read and score: the campaign's submitted applications,
    less those of every organisation the juror declared a conflict with. Pages, export and
    JSON all read through here."""
    declared = ConflictOfInterest.objects.filter(juror=juror, organisation=OuterRef("organisation"))
    return (
        PrixApplication.objects.filter(campaign_id=juror.campaign_id, status__in=DECIDED)
        .exclude(Exists(declared))
        .select_related("category", "organisation")
        .order_by("category__position", "organisation__name", "pk")
    )


def application_for_juror(juror: JuryMember, pk: int) -> PrixApplication | None:
    return applications_for_juror(juror).filter(pk=pk).first()


def candidate_organisations(campaign: PrixCampaign, *, undeclared_by: JuryMember | None = None):
    """The organisations with a submitted application: those a juror may declare (less those
    `undeclared_by` already declared, for the form that offers them)."""
    organisations = directory.Organisation.objects.filter(
        pk__in=PrixApplication.objects.filter(campaign=campaign, status__in=DECIDED).values("organisation")
    )
    if undeclared_by is not None:
        organisations = organisations.exclude(pk__in=undeclared_by.conflicts.values("organisation"))
    return organisations.only("pk", "name").order_by("name")


@transaction.atomic
def declare_conflict(*, juror: JuryMember, organisation, reason: str = "") -> ConflictOfInterest:
    """Declare a tie with an organisation: its applications leave the juror's list, and any
    scores the juror gave them are withdrawn (they must not count)."""
    if juror.campaign.deliberated_at:
        raise PrixError("Le jury a délibéré : les déclarations sont closes.")
    conflict, _created = ConflictOfInterest.objects.get_or_create(
        juror=juror, organisation=organisation, defaults={"reason": reason.strip()[:300]}
    )
    PrixEvaluation.objects.filter(juror=juror, application__organisation=organisation).delete()
    return conflict


def own_evaluations(juror: JuryMember) -> dict[int, PrixEvaluation]:
    """The juror's own evaluations by application, with their scores (two queries)."""
    evaluations = PrixEvaluation.objects.filter(juror=juror).prefetch_related("scores")
    return {evaluation.application_id: evaluation for evaluation in evaluations}


def others_evaluations(juror: JuryMember, application: PrixApplication) -> list[PrixEvaluation]:
    """The other jurors' evaluations of an application: none before the deliberation."""
    if not juror.campaign.deliberated_at:
        return []
    return list(
        PrixEvaluation.objects.filter(application=application)
        .exclude(juror=juror)
        .select_related("juror__user")
        .prefetch_related(Prefetch("scores", queryset=PrixScore.objects.select_related("criterion")))
    )


@transaction.atomic
def score_application(*, juror: JuryMember, application_id: int, points: dict[int, int], comment: str = "", now=None):
    """The juror's scores of an application on each criterion (0 to SCORE_MAX), saved alone."""
    now = now or timezone.now()
    campaign = juror.campaign
    if campaign.deliberated_at:
        raise PrixError("Le jury a délibéré : les notes ne changent plus.")
    if now < campaign.jury_starts_at:
        raise PrixError(f"L'examen par le jury commence le {french_datetime(campaign.jury_starts_at)}.")
    application = application_for_juror(juror, application_id)
    if application is None:
        raise PrixError("Cette candidature n'est pas dans votre liste.")
    criteria = list(campaign.criteria.all())
    missing = [criterion.name for criterion in criteria if criterion.pk not in points]
    if missing:
        raise PrixError("Notez chaque critère : " + ", ".join(missing) + ".")
    for criterion in criteria:
        value = points[criterion.pk]
        if not isinstance(value, int) or not 0 <= value <= SCORE_MAX:
            raise PrixError(f"« {criterion.name} » : une note de 0 à {SCORE_MAX}.")
    evaluation, _created = PrixEvaluation.objects.update_or_create(
        juror=juror, application=application, defaults={"comment": comment.replace("\x00", "").strip()[:3000]}
    )
    for criterion in criteria:
        PrixScore.objects.update_or_create(
            evaluation=evaluation, criterion=criterion, defaults={"points": points[criterion.pk]}
        )
    return evaluation


# --- Ranking --------------------------------------------------------------------------------

TWO_PLACES = Decimal("0.01")


def weighted_mean(points: dict[int, int], weights: dict[int, int]) -> Decimal | None:
    """Σ weight × points / Σ weight over the criteria scored (out of SCORE_MAX)."""
    total_weight = sum(weights[criterion] for criterion in points if criterion in weights)
    if not total_weight:
        return None
    total = sum(weights[criterion] * value for criterion, value in points.items() if criterion in weights)
    return (Decimal(total) / Decimal(total_weight)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


@dataclass
class RankRow:
    application: PrixApplication
    juror_means: list[Decimal]

    @property
    def count(self) -> int:
        return len(self.juror_means)

    @property
    def mean(self) -> Decimal | None:
        if not self.juror_means:
            return None
        return (sum(self.juror_means) / len(self.juror_means)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)

    @property
    def spread(self) -> Decimal | None:
        """max − min of the jurors' weighted means."""
        return (max(self.juror_means) - min(self.juror_means)) if self.juror_means else None

    @property
    def deviation(self) -> Decimal | None:
        """The population standard deviation of the jurors' weighted means."""
        if not self.juror_means:
            return None
        mean = sum(self.juror_means) / len(self.juror_means)
        variance = sum((value - mean) ** 2 for value in self.juror_means) / len(self.juror_means)
        return Decimal(math.sqrt(variance)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def ranking(campaign: PrixCampaign) -> list[tuple[PrixCategory, list[RankRow]]]:
    """Per category, the submitted applications by weighted mean (best first, unscored
    last), with the spread between jurors: four queries whatever the numbers."""
    weights = {criterion.pk: criterion.weight for criterion in campaign.criteria.all()}
    applications = list(
        PrixApplication.objects.filter(campaign=campaign, status__in=DECIDED).select_related("organisation", "category")
    )
    means: dict[int, list[Decimal]] = {application.pk: [] for application in applications}
    evaluations = PrixEvaluation.objects.filter(application__in=applications).prefetch_related("scores")
    for evaluation in evaluations:
        value = weighted_mean({score.criterion_id: score.points for score in evaluation.scores.all()}, weights)
        if value is not None:
            means[evaluation.application_id].append(value)
    rows = [RankRow(application, sorted(means[application.pk])) for application in applications]
    rows.sort(key=lambda row: (row.mean is None, -(row.mean or 0), row.application.organisation.name))
    result = []
    for category in campaign.categories.all():
        result.append((category, [row for row in rows if row.application.category_id == category.pk]))
    return result


# --- Deliberation and publication -----------------------------------------------------------


@transaction.atomic
def record_deliberation(*, campaign: PrixCampaign, minutes: str, prizes: dict[int, str], by, now=None) -> None:
    """The jury's decision: `prizes` maps each laureate application's id to its distinction
    (« Lauréat », « Mention spéciale »…); every other submitted application is not selected.
    May be recorded again until the laureates are published."""
    campaign = PrixCampaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.published_at:
        raise PrixError("Les lauréats sont publiés : la délibération ne change plus.")
    if not minutes.strip():
        raise PrixError("Écrivez le compte rendu de la délibération.")
    applications = {a.pk: a for a in PrixApplication.objects.filter(campaign=campaign, status__in=DECIDED)}
    unknown = set(prizes) - set(applications)
    if unknown:
        raise PrixError("Une candidature distinguée n'est pas une candidature déposée de cette campagne.")
    if not prizes:
        raise PrixError("Désignez au moins une candidature lauréate.")
    for pk, application in applications.items():
        target = ApplicationStatus.LAUREATE if pk in prizes else ApplicationStatus.NOT_SELECTED
        prize = (prizes.get(pk) or "").strip()[:120]
        if application.status != target:
            if application.status != ApplicationStatus.SUBMITTED:
                APPLICATION_WORKFLOW.apply(
                    application, ApplicationStatus.SUBMITTED, log_model=PrixApplicationTransition, by=by,
                    comment="Nouvelle délibération.",
                )  # fmt: skip
            APPLICATION_WORKFLOW.apply(
                application, target, log_model=PrixApplicationTransition, by=by, comment="Délibération du jury.",
                changes={"prize": prize},
            )  # fmt: skip
        elif application.prize != prize:
            PrixApplication.objects.filter(pk=pk).update(prize=prize)
    campaign.deliberation = minutes.replace("\x00", "").strip()[:10000]
    campaign.deliberated_at = now or timezone.now()
    campaign.deliberated_by = by
    campaign.save(update_fields=["deliberation", "deliberated_at", "deliberated_by"])


def laureates(campaign: PrixCampaign) -> list[PrixApplication]:
    return list(
        PrixApplication.objects.filter(campaign=campaign, status=ApplicationStatus.LAUREATE)
        .select_related("category", "organisation__commune")
        .order_by("category__position", "organisation__name")
    )


def laureates_path(campaign: PrixCampaign) -> str:
    return reverse("appartenance:prix-laureates", args=[campaign.year])


@transaction.atomic
def publish_laureates(*, campaign: PrixCampaign, by, now=None) -> PrixCampaign:
    """Open the laureates' page, announce it in the news (lib.news), and email each
    applicant through the outbox, in this transaction (sent after commit, once each)."""
    campaign = PrixCampaign.objects.select_for_update().get(pk=campaign.pk)
    if not campaign.deliberated_at:
        raise PrixError("Enregistrez d'abord la délibération du jury.")
    if campaign.published_at:
        raise PrixError("Les lauréats sont déjà publiés.")
    campaign.published_at = now or timezone.now()
    winners = laureates(campaign)
    names = ", ".join(f"{application.organisation.name} ({application.category.name})" for application in winners)
    item = news.NewsItem(
        key=f"appartenance-prix-{campaign.year}-laureats",
        title=f"{campaign.title} : les lauréats",
        summary=f"Le jury du {campaign.title} a désigné {len(winners)} lauréat(s) : {names}."[:400],
        body="<ul>" + "".join(
            f"<li>{application.category.name} : {application.organisation.name}"
            f"{' — ' + application.prize if application.prize else ''}</li>" for application in winners
        ) + "</ul>",
        url=laureates_path(campaign),
    )  # fmt: skip
    urls = news.publish(item)
    campaign.news_url = urls[0][:300] if urls else ""
    campaign.save(update_fields=["published_at", "news_url"])
    page = settings.SITE_URL + laureates_path(campaign)
    applications = (
        PrixApplication.objects.filter(campaign=campaign, status__in=DECIDED)
        .select_related("organisation", "category", "submitted_by")
        .order_by("pk")
    )
    for application in applications:
        recipient = application.submitted_by.email if application.submitted_by else application.organisation.email
        if not recipient:
            continue
        queue_email(
            to=recipient,
            template="appartenance/prix_resultats",
            context={
                "campaign": campaign,
                "application": application,
                "laureate": application.status == ApplicationStatus.LAUREATE,
                "url": page,
                "application_url": settings.SITE_URL + application.get_absolute_url(),
            },
            dedup_key=f"prix-resultats-{application.pk}",
        )
    return campaign


def jury_progress(campaign: PrixCampaign):
    """For staff: each juror's number of evaluations and conflicts (one query)."""
    return (
        JuryMember.objects.filter(campaign=campaign)
        .select_related("user")
        .annotate(evaluated=Count("evaluations", distinct=True), declared=Count("conflicts", distinct=True))
        .order_by("user__email")
    )
