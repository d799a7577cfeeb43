"""The skills record's services (issue 19, point 7): start a record, open it by its private
link, add experiences and skills, assess the compte d'engagement citoyen, build the PDF
summary, delete and purge.

The référentiel of transversal skills (CléA) and the rules of the compte d'engagement citoyen
are data (emplois/data, with their sources in its README): the code reads them, never
restates them. The assessment says whether a volunteer's hours and role MAY open rights, with
the reason of each condition; it never promises anything.
"""

import calendar
import csv
import json
import logging
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from annuaire.models import Organisation
from emplois.models_skills import SkillsExperience, SkillsRecord
from lib.dates import french_date
from lib.pdf import html_to_pdf
from messagerie.links import LinkUnavailable, expire_tokens, issue_token, private_link, resolve_token
from messagerie.services import queue_email

logger = logging.getLogger(__name__)

DATA = Path(__file__).resolve().parent / "data"
RECORD_LINK = "emplois.competences"
EMAIL_START = "emplois/competences_lien"
EMAIL_RENEW = "emplois/competences_nouveau_lien"
EMAIL_PDF = "emplois/competences_synthese"
MAX_EXPERIENCES = 50

CONSENT_TEXT = (
    "J'accepte que la CRESS La Réunion enregistre mon adresse électronique et les expériences que je décris, "
    "pour tenir mon dossier de compétences et m'en envoyer le lien. Rien n'est transmis à quiconque. Le dossier "
    "est effacé un an après ma dernière visite, ou à tout moment depuis sa page."
)

Kind = SkillsExperience.Kind
Answer = SkillsExperience.Answer
Role = SkillsExperience.VolunteerRole


class SkillsError(Exception):
    """Refused for a reason the person can fix; the message is in French."""


# --- The référentiel and the rules, as data ---------------------------------------------------


@dataclass(frozen=True)
class SkillDomain:
    code: str
    label: str
    items: tuple[tuple[str, str], ...]  # (code, label)


@cache
def skill_domains() -> tuple[SkillDomain, ...]:
    """The CléA référentiel: 7 domains and their sub-items (emplois/data/competences_transversales.csv)."""
    domains: dict[str, tuple[str, list]] = {}
    with (DATA / "competences_transversales.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            domains.setdefault(row["domaine_code"], (row["domaine"], []))[1].append((row["code"], row["intitule"]))
    return tuple(SkillDomain(code, label, tuple(items)) for code, (label, items) in domains.items())


@cache
def skill_labels() -> dict[str, str]:
    return {code: label for domain in skill_domains() for code, label in domain.items}


@cache
def cec_rules() -> dict:
    """The compte d'engagement citoyen's rules (emplois/data/engagement_citoyen.json)."""
    return json.loads((DATA / "engagement_citoyen.json").read_text(encoding="utf-8"))


def grouped_skills(codes) -> list[tuple[str, list[str]]]:
    """(domain label, [skill labels]) in the référentiel's order, for the codes picked."""
    picked = set(codes or ())
    return [
        (domain.label, [label for code, label in domain.items if code in picked])
        for domain in skill_domains()
        if any(code in picked for code, _ in domain.items)
    ]


# --- The private link ---------------------------------------------------------------------


def record_url(token: str) -> str:
    return settings.SITE_URL + reverse("emplois:competences-dossier", args=[token])


def build_record_link(*, record: int) -> str:
    """Link builder (messagerie.links): minted when the email leaves, valid SKILLS_RECORD_DAYS."""
    if not SkillsRecord.objects.filter(pk=record).exists():
        raise LinkUnavailable("ce dossier de compétences a été effacé.")
    expires_at = timezone.now() + timedelta(days=settings.SKILLS_RECORD_DAYS)
    return record_url(issue_token(purpose=RECORD_LINK, object_id=record, expires_at=expires_at, supersedes=True))


def find_record(token: str) -> SkillsRecord | None:
    """The record a live link opens, or None (unknown, forged, expired)."""
    record_id = resolve_token(purpose=RECORD_LINK, token=token)
    if record_id is None:
        return None
    return SkillsRecord.objects.filter(pk=record_id).first()


def touch(record: SkillsRecord) -> None:
    """The person used their record: its purge starts again from now (one write a day at most)."""
    now = timezone.now()
    if now - record.last_activity_at > timedelta(hours=12):
        SkillsRecord.objects.filter(pk=record.pk).update(last_activity_at=now)
        record.last_activity_at = now


def _email_link(record: SkillsRecord, template: str) -> None:
    queue_email(
        to=record.email,
        template=template,
        context={"url": private_link(RECORD_LINK, record=record.pk), "days": settings.SKILLS_RECORD_DAYS},
    )


@transaction.atomic
def start_record(*, email: str, name_on_summary: str = "", consent_text: str = CONSENT_TEXT) -> SkillsRecord:
    """A new record, and an email with its private link."""
    now = timezone.now()
    record = SkillsRecord.objects.create(
        email=email.strip(),
        name_on_summary=name_on_summary.strip(),
        consent_text=consent_text,
        consent_at=now,
        last_activity_at=now,
    )
    _email_link(record, EMAIL_START)
    return record


@transaction.atomic
def renew_links(*, email: str) -> int:
    """Email a fresh link to each record of this address (it ends the older links once
    opened). Says nothing to the caller about whether there was any."""
    records = list(SkillsRecord.objects.filter(email__iexact=email.strip()).order_by("pk")[:10])
    for record in records:
        _email_link(record, EMAIL_RENEW)
    return len(records)


# --- Experiences ----------------------------------------------------------------------------


def directory_match(name: str) -> Organisation | None:
    """The published organisation of the directory with exactly this name (or acronym), if one only."""
    name = name.strip()
    if not name:
        return None
    found = list(Organisation.objects.filter(is_published=True, name__iexact=name)[:2])
    if not found:
        found = list(Organisation.objects.filter(is_published=True, acronym__iexact=name)[:2])
    return found[0] if len(found) == 1 else None


EXPERIENCE_FIELDS = (
    "role", "organisation_name", "kind", "starts_on", "ends_on", "hours_total", "hours_per_week", "description",
    "skills", "association_three_years", "general_interest", "volunteer_role",
)  # fmt: skip


def _fill(experience: SkillsExperience, values: dict) -> None:
    for name in EXPERIENCE_FIELDS:
        if name in values:
            setattr(experience, name, values[name])
    known = skill_labels()
    experience.skills = [code for code in dict.fromkeys(experience.skills or []) if code in known]
    if experience.kind != Kind.VOLUNTEER:
        experience.association_three_years = experience.general_interest = experience.volunteer_role = ""
    experience.organisation = directory_match(experience.organisation_name)


@transaction.atomic
def add_experience(*, record: SkillsRecord, values: dict) -> SkillsExperience:
    locked = SkillsRecord.objects.select_for_update().get(pk=record.pk)
    if locked.experiences.count() >= MAX_EXPERIENCES:
        raise SkillsError(f"Un dossier compte au plus {MAX_EXPERIENCES} expériences : regroupez les plus anciennes.")
    experience = SkillsExperience(record=locked)
    _fill(experience, values)
    experience.full_clean()
    experience.save()
    SkillsRecord.objects.filter(pk=record.pk).update(last_activity_at=timezone.now())
    return experience


@transaction.atomic
def update_experience(*, experience: SkillsExperience, values: dict) -> SkillsExperience:
    _fill(experience, values)
    experience.full_clean()
    experience.save()
    SkillsRecord.objects.filter(pk=experience.record_id).update(last_activity_at=timezone.now())
    return experience


def delete_experience(*, experience: SkillsExperience) -> None:
    experience.delete()


def experiences(record: SkillsRecord) -> list[SkillsExperience]:
    """The record's experiences with their directory organisation: one query."""
    return list(record.experiences.select_related("organisation").order_by("-starts_on", "pk"))


# --- The compte d'engagement citoyen --------------------------------------------------------

MET, NOT_MET, UNKNOWN = "remplie", "non remplie", "inconnue"


@dataclass(frozen=True)
class Check:
    label: str
    status: str  # MET, NOT_MET or UNKNOWN
    detail: str = ""


@dataclass
class Assessment:
    experience: SkillsExperience
    title: str
    checks: list[Check] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    euros: int = 0

    @property
    def status(self) -> str:
        statuses = {check.status for check in self.checks}
        if NOT_MET in statuses:
            return NOT_MET
        return UNKNOWN if UNKNOWN in statuses else MET

    @property
    def conclusion(self) -> str:
        if self.status == MET:
            return (
                f"Peut ouvrir des droits ({self.euros} € sur le compte personnel de formation), sous réserve de la "
                "déclaration et de sa validation : rien n'est acquis tant que ce n'est pas validé."
            )
        if self.status == NOT_MET:
            return "N'ouvre a priori pas de droits : au moins une condition n'est pas remplie."
        return "Impossible à dire : au moins une condition n'est pas connue."


def _end(experience: SkillsExperience, today: date) -> date:
    return min(experience.ends_on or today, max(today, experience.starts_on))


def hours_in_year(experience: SkillsExperience, year: int, today: date) -> Decimal | None:
    """The hours of an experience in a civil year, estimated from its dates (prorated), or None."""
    start, end = experience.starts_on, _end(experience, today)
    first, last = max(start, date(year, 1, 1)), min(end, date(year, 12, 31))
    if last < first:
        return Decimal(0)
    days = (last - first).days + 1
    if experience.hours_per_week:
        return (Decimal(experience.hours_per_week) * days / 7).quantize(Decimal(1))
    if experience.hours_total:
        return (Decimal(experience.hours_total) * days / ((end - start).days + 1)).quantize(Decimal(1))
    return None


def _answer(label: str, value: str, *, yes: str, no: str) -> Check:
    if value == Answer.YES:
        return Check(label, MET, yes)
    if value == Answer.NO:
        return Check(label, NOT_MET, no)
    return Check(label, UNKNOWN, "Vous ne l'avez pas indiqué : l'association peut vous le dire.")


def _plus_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _association_age_label(years: int) -> str:
    return f"Association déclarée depuis au moins {years} an{'s' if years > 1 else ''}"


def _volunteer_assessments(experience, volunteers, today) -> list[Assessment]:
    rules = cec_rules()["benevolat_associatif"]
    minimum, same = rules["heures_minimum_annee"], rules["heures_minimum_meme_association"]
    result = []
    for year in range(experience.starts_on.year, _end(experience, today).year + 1):
        assessment = Assessment(experience, f"{rules['libelle']} — année {year}", euros=rules["euros_par_annee"])
        assessment.checks.append(
            _answer(
                _association_age_label(rules["anciennete_association_annees"]),
                experience.association_three_years,
                yes="Oui, d'après votre réponse.",
                no="Non, d'après votre réponse.",
            )
        )
        assessment.checks.append(
            _answer(
                "Activités d'intérêt général",
                experience.general_interest,
                yes="Oui, d'après votre réponse.",
                no="Non, d'après votre réponse.",
            )
        )
        if experience.volunteer_role in rules["roles_retenus"]:
            role = Check(
                "Membre de l'organe de direction ou encadrant d'autres bénévoles",
                MET,
                experience.get_volunteer_role_display() + ".",
            )
        elif experience.volunteer_role:
            role = Check(
                "Membre de l'organe de direction ou encadrant d'autres bénévoles",
                NOT_MET,
                "Ni membre de l'organe de direction ni encadrant d'autres bénévoles, d'après votre réponse.",
            )
        else:
            role = Check("Membre de l'organe de direction ou encadrant d'autres bénévoles", UNKNOWN, "Non indiqué.")
        assessment.checks.append(role)
        hours = hours_in_year(experience, year, today)
        label = f"Au moins {same} heures dans cette association en {year}"
        if hours is None:
            assessment.checks.append(Check(label, UNKNOWN, "Indiquez les heures (au total ou par semaine)."))
        else:
            status = MET if hours >= same else NOT_MET
            assessment.checks.append(Check(label, status, f"Environ {hours} h (estimation d'après les dates)."))
        per_year = [hours_in_year(other, year, today) for other in volunteers]
        label = f"Au moins {minimum} heures de bénévolat en {year}, toutes associations"
        known = sum(value for value in per_year if value is not None)
        if known >= minimum:
            assessment.checks.append(Check(label, MET, f"Environ {known} h selon les expériences de ce dossier."))
        elif None in per_year:
            assessment.checks.append(
                Check(label, UNKNOWN, f"Environ {known} h connues : les heures d'une expérience manquent.")
            )
        else:
            assessment.checks.append(Check(label, NOT_MET, f"Environ {known} h selon les expériences de ce dossier."))
        if year >= today.year:
            assessment.notes.append(f"L'année {year} n'est pas terminée : les heures se comptent sur l'année civile.")
        result.append(assessment)
    return result


def _civic_service_assessment(experience, today) -> Assessment:
    rules = cec_rules()["service_civique"]
    months = rules["mois_continus_minimum"]
    assessment = Assessment(experience, rules["libelle"], euros=rules["euros"])
    label = f"Mission d'au moins {months} mois continus"
    reached = _plus_months(experience.starts_on, months) - timedelta(days=1)
    if (experience.ends_on and experience.ends_on >= reached) or (not experience.ends_on and today >= reached):
        assessment.checks.append(
            Check(label, MET, f"Du {french_date(experience.starts_on)} au {french_date(_end(experience, today))}.")
        )
    elif experience.ends_on:
        assessment.checks.append(Check(label, NOT_MET, f"Mission terminée le {french_date(experience.ends_on)}."))
    else:
        assessment.checks.append(Check(label, UNKNOWN, f"Mission en cours : {months} mois le {french_date(reached)}."))
    return assessment


def cec_assessments(items: list[SkillsExperience], today: date | None = None) -> list[Assessment]:
    """For each year of each volunteer experience, and each civic service: the conditions of
    the compte d'engagement citoyen, each met, not met or unknown, with its reason."""
    today = today or timezone.localdate()
    volunteers = [item for item in items if item.kind == Kind.VOLUNTEER]
    result = []
    for item in items:
        if item.kind == Kind.VOLUNTEER:
            result.extend(_volunteer_assessments(item, volunteers, today))
        elif item.kind == Kind.CIVIC_SERVICE:
            result.append(_civic_service_assessment(item, today))
    return result


def cec_possible_total(assessments: list[Assessment]) -> int:
    """What the assessments met could add at most, under the cap (never a promise)."""
    euros = {}
    for assessment in assessments:
        if assessment.status == MET:
            euros[assessment.title] = assessment.euros  # one amount per activity and year
    return min(sum(euros.values()), cec_rules()["plafond_euros"])


def record_context(record: SkillsRecord) -> dict:
    """What the record's page and its PDF show."""
    items = experiences(record)
    assessments = cec_assessments(items)
    return {
        "record": record,
        "experiences": [{"experience": item, "skills": grouped_skills(item.skills)} for item in items],
        "assessments": assessments,
        "cec_total": cec_possible_total(assessments),
        "cec": cec_rules(),
    }


# --- The PDF summary --------------------------------------------------------------------------


def request_pdf(*, record: SkillsRecord) -> None:
    """Have a worker build the summary: one build and one email per request."""
    now = timezone.now()
    SkillsRecord.objects.filter(pk=record.pk).update(pdf_requested_at=now, last_activity_at=now)
    record.pdf_requested_at = now
    record_id = record.pk
    transaction.on_commit(lambda: _enqueue(record_id))


def _enqueue(record_id: int) -> None:
    from emplois.tasks_skills import build_skills_pdf_task

    try:
        build_skills_pdf_task.delay(record_id)
    except Exception:  # broker unreachable: the person asks again (the request stays « en préparation »)
        logger.warning("Synthèse du dossier %s non lancée : file de tâches injoignable.", record_id, exc_info=True)


def summary_pdf(record: SkillsRecord) -> bytes:
    context = {**record_context(record), "printed_on": french_date(timezone.localdate())}
    html = render_to_string("emplois/competences/synthese_pdf.html", context)
    pdf, _pages = html_to_pdf(html, css=render_to_string("emplois/competences/synthese_pdf.css"))
    return pdf


def build_pdf(*, record_id: int) -> bool:
    """The worker's part: build the summary asked for and email a link to it, once per
    request (a second run for the same request does nothing). False when there is nothing to do."""
    record = SkillsRecord.objects.filter(pk=record_id).first()
    if record is None or record.pdf_requested_at is None or record.pdf_ready:
        return False
    requested_at = record.pdf_requested_at
    pdf = summary_pdf(record)
    with transaction.atomic():
        locked = SkillsRecord.objects.select_for_update().filter(pk=record_id).first()
        if locked is None or locked.pdf_ready or locked.pdf_requested_at != requested_at:
            return False  # deleted, built by another run, or asked again meanwhile (that run builds it)
        old_name = locked.pdf_file.name
        locked.pdf_file.save(f"synthese-competences-{locked.pk}.pdf", ContentFile(pdf), save=False)
        locked.pdf_built_at = timezone.now()
        locked.save(update_fields=["pdf_file", "pdf_built_at"])
        if old_name and old_name != locked.pdf_file.name:
            storage = locked.pdf_file.storage
            transaction.on_commit(lambda: storage.delete(old_name))
        queue_email(
            to=locked.email,
            template=EMAIL_PDF,
            context={"url": private_link(RECORD_LINK, record=locked.pk), "days": settings.SKILLS_RECORD_DAYS},
            dedup_key=f"emplois-competences-synthese-{locked.pk}-{requested_at.timestamp():.6f}",
        )
    return True


# --- RGPD -------------------------------------------------------------------------------------


@transaction.atomic
def delete_record(*, record: SkillsRecord) -> None:
    """At the person's request, at once: the record, its experiences, its PDF and its links."""
    expire_tokens(purpose=RECORD_LINK, object_id=record.pk)
    record.delete()


def purge_idle_records(*, now=None) -> int:
    """Delete the records without activity for SKILLS_RECORD_DAYS (the beat, daily)."""
    now = now or timezone.now()
    limit = now - timedelta(days=settings.SKILLS_RECORD_DAYS)
    count = 0
    for record_id in SkillsRecord.objects.filter(last_activity_at__lt=limit).values_list("pk", flat=True)[:1000]:
        with transaction.atomic():
            record = SkillsRecord.objects.select_for_update().filter(pk=record_id, last_activity_at__lt=limit).first()
            if record is not None:
                delete_record(record=record)
                count += 1
    return count
