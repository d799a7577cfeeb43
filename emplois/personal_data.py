"""What the job board holds about one person (lib.personal_data): the offers whose contact
they are, their applications (with their CV and letter, and the log of each), their job
alerts and what was sent to them, their skills record and its experiences.

Erasing reuses what the app already does: an application goes as when it is purged
(applications.delete_application), a skills record as when the person deletes it
(skills.delete_record), an alert as when its person unsubscribes (its address erased, what
it was sent still counted). An offer belongs to its organisation and stays published: the
person's address gives way to the organisation's (and the link to their account goes).
"""

from django.db import transaction
from django.db.models import Q

from emplois import alerts, applications, skills
from emplois.models import Application, ApplicationTransition, ApplyMode, JobAlert, JobAlertDelivery, Offer
from emplois.models_skills import SkillsExperience, SkillsRecord
from lib.personal_data import (
    Document,
    Erased,
    Found,
    PersonalDataProvider,
    Record,
    Retention,
    normalise_email,
    when,
)

OFFER = "Offre d'emploi ou de bénévolat (contact de l'employeur)"
APPLICATION = "Candidature"
APPLICATION_STEP = "Suivi d'une candidature"
ALERT = "Alerte sur les offres"
ALERT_DELIVERY = "Offre envoyée par une alerte"
SKILLS_RECORD = "Dossier de compétences"
SKILLS_EXPERIENCE = "Expérience d'un dossier de compétences"


def erased_address(kind: str, pk: int) -> str:
    """What replaces an erased address in a field that must hold one."""
    return f"efface-{kind}-{pk}@invalid.invalid"


def _offer_address(offer: Offer, email: str) -> str:
    """What an offer's address becomes when its person's is erased: the organisation's own
    address from the directory (the offer is the organisation's, it keeps receiving its
    applications), else an address that says it is erased."""
    organisation_email = (offer.organisation.email or "").strip()
    if organisation_email and organisation_email.lower() != email:
        return organisation_email
    return erased_address("offre", offer.pk)


# --- Finding -----------------------------------------------------------------------------------


def _offers(email: str):
    return (
        Offer.objects.select_related("organisation", "created_by")
        .filter(Q(contact_email__iexact=email) | Q(apply_email__iexact=email) | Q(created_by__email__iexact=email))
        .order_by("pk")
    )


def _applications(email: str):
    return Application.objects.select_related("offer", "offer__organisation").filter(email__iexact=email).order_by("pk")


def _alerts(email: str):
    return JobAlert.objects.filter(email__iexact=email).order_by("pk")


def _skills_records(email: str):
    return SkillsRecord.objects.filter(email__iexact=email).order_by("pk")


def _offer_record(offer: Offer, email: str) -> Record:
    return Record(
        OFFER,
        {
            "intitulé": offer.title,
            "structure": offer.organisation.name,
            "état": offer.get_status_display(),
            "adresse qui reçoit les candidatures": offer.contact_email,
            "candidature": offer.get_apply_mode_display(),
            "adresse pour candidater": offer.apply_email,
            "déposée par vous": bool(offer.created_by_id and offer.created_by.email.lower() == email),
            "date limite de candidature": when(offer.closes_on),
            "créée le": when(offer.created_at),
        },
    )


def _application_record(application: Application) -> Record:
    return Record(
        APPLICATION,
        {
            "référence": application.reference,
            "offre": application.offer.title,
            "structure": application.offer.organisation.name,
            "nom et prénom": application.name,
            "adresse électronique": application.email,
            "téléphone": application.phone,
            "message": application.message,
            "CV": application.cv_name,
            "lettre de motivation": application.letter_name,
            "état": application.get_status_display(),
            "état changé le": when(application.status_changed_at),
            "consentement": application.consent_text,
            "consentement donné le": when(application.consent_at),
            "déposée le": when(application.created_at),
        },
    )


def _application_documents(application: Application) -> list[Document]:
    documents = [Document(name=f"{application.reference}/{application.cv_name or 'cv'}", file=application.cv)]
    if application.letter:
        documents.append(
            Document(name=f"{application.reference}/{application.letter_name or 'lettre'}", file=application.letter)
        )
    return documents


def _step_record(step: ApplicationTransition, reference: str) -> Record:
    return Record(
        APPLICATION_STEP,
        {
            "candidature": reference,
            "date": when(step.created_at),
            "état de départ": Application.Status(step.from_state).label if step.from_state else "",
            "nouvel état": Application.Status(step.to_state).label,
            "message": step.comment,
        },
    )


def _alert_record(alert: JobAlert) -> Record:
    return Record(
        ALERT,
        {
            "adresse électronique": alert.email,
            "recherche": alert.label,
            "filtres": alert.query,
            "fréquence": alert.get_frequency_display(),
            "état": alerts.SUBSCRIPTIONS.state_label(alert),
            "consentement": alert.consent_text,
            "consentement donné le": when(alert.consent_at),
            "confirmée le": when(alert.confirmed_at),
            "dernier envoi": when(alert.last_sent_at),
            "créée le": when(alert.created_at),
        },
    )


def _delivery_record(delivery: JobAlertDelivery) -> Record:
    return Record(
        ALERT_DELIVERY,
        {"alerte": delivery.alert.label, "offre": delivery.offer.title, "envoyée le": when(delivery.created_at)},
    )


def _skills_record(record: SkillsRecord) -> Record:
    return Record(
        SKILLS_RECORD,
        {
            "numéro": record.pk,
            "adresse électronique": record.email,
            "nom sur la synthèse": record.name_on_summary,
            "consentement": record.consent_text,
            "consentement donné le": when(record.consent_at),
            "créé le": when(record.created_at),
            "dernière activité": when(record.last_activity_at),
            "synthèse demandée le": when(record.pdf_requested_at),
            "synthèse construite le": when(record.pdf_built_at),
        },
    )


def _experience_record(experience: SkillsExperience) -> Record:
    return Record(
        SKILLS_EXPERIENCE,
        {
            "dossier": experience.record_id,
            "fonction ou mission": experience.role,
            "structure": experience.organisation_name,
            "statut": experience.get_kind_display(),
            "début": when(experience.starts_on),
            "fin": when(experience.ends_on),
            "heures au total": experience.hours_total,
            "heures par semaine": experience.hours_per_week,
            "ce que j'ai fait": experience.description,
            "compétences (codes CléA)": list(experience.skills),
            "association déclarée depuis au moins 1 an": experience.get_association_three_years_display(),
            "activités d'intérêt général": experience.get_general_interest_display(),
            "rôle bénévole": experience.get_volunteer_role_display(),
        },
    )


def find_person(email: str) -> Found:
    email = normalise_email(email)
    found = Found()
    if not email:
        return found  # an empty address would match every row whose address was erased
    for offer in _offers(email):
        found.records.append(_offer_record(offer, email))
    for application in _applications(email).prefetch_related("transitions"):
        found.records.append(_application_record(application))
        found.records += [_step_record(step, application.reference) for step in application.transitions.all()]
        found.documents += _application_documents(application)
    for alert in _alerts(email):
        found.records.append(_alert_record(alert))
        deliveries = alert.deliveries.select_related("alert", "offer").order_by("pk")
        found.records += [_delivery_record(delivery) for delivery in deliveries]
    for record in _skills_records(email).prefetch_related("experiences"):
        found.records.append(_skills_record(record))
        found.records += [_experience_record(experience) for experience in record.experiences.all()]
        if record.pdf_file:
            found.documents.append(
                Document(name=f"dossier-{record.pk}/{record.pdf_file.name.rsplit('/', 1)[-1]}", file=record.pdf_file)
            )
    return found


# --- Erasing -----------------------------------------------------------------------------------


def erase_person(email: str, *, by) -> Erased:
    """Nothing here is kept by a legal duty: every row found is deleted or anonymised."""
    email = normalise_email(email)
    erased = Erased()
    if not email:
        return erased
    with transaction.atomic():
        for offer in _offers(email):
            changed = []
            if offer.contact_email.lower() == email:
                offer.contact_email = _offer_address(offer, email)
                changed.append("contact_email")
            if offer.apply_email.lower() == email:
                # An offer « par courriel » must name an address.
                offer.apply_email = _offer_address(offer, email) if offer.apply_mode == ApplyMode.EMAIL else ""
                changed.append("apply_email")
            if offer.created_by_id and offer.created_by.email.lower() == email:
                offer.created_by = None
                changed.append("created_by")
            offer.save(update_fields=[*changed, "updated_at"])
            erased.erased += 1
        for application in _applications(email):
            erased.erased += 1 + application.transitions.count()
            applications.delete_application(application=application)
        for alert in _alerts(email):
            erased.erased += 1
            alerts.SUBSCRIPTIONS.unsubscribe(alert=alert)
        for record in _skills_records(email):
            erased.erased += 1 + record.experiences.count()
            skills.delete_record(record=record)
    return erased


PROVIDER = PersonalDataProvider(
    name="emplois",
    label="Emplois et carrières dans l'ESS",
    order=70,
    models=(
        "emplois.Offer",
        "emplois.Application",
        "emplois.ApplicationTransition",
        "emplois.JobAlert",
        "emplois.JobAlertDelivery",
        "emplois.SkillsRecord",
        "emplois.SkillsExperience",
    ),
    find=find_person,
    erase=erase_person,
    retentions=(
        Retention(
            treatment="Candidatures déposées sur le portail (coordonnées, message, CV, lettre) et leur suivi",
            basis="Consentement de la personne qui candidate (article 6.1.a du RGPD)",
            period="{APPLICATION_RETENTION_MONTHS} mois après la date limite de candidature de l'offre",
            settings=("APPLICATION_RETENTION_MONTHS",),
        ),
        Retention(
            treatment="Alertes sur les offres (adresse, recherche enregistrée) et offres envoyées",
            basis="Consentement (article 6.1.a du RGPD), double confirmation",
            period="Jusqu'à la désinscription (l'adresse est alors effacée) ; une alerte non confirmée est "
            "supprimée après {ALERT_CONFIRM_DAYS} jours",
            settings=("ALERT_CONFIRM_DAYS",),
        ),
        Retention(
            treatment="Dossiers de compétences (adresse, nom sur la synthèse, expériences, synthèse PDF)",
            basis="Consentement (article 6.1.a du RGPD)",
            period="{SKILLS_RECORD_DAYS} jours après la dernière activité, ou dès que la personne le supprime",
            settings=("SKILLS_RECORD_DAYS",),
        ),
        Retention(
            treatment="Adresse de contact d'un employeur sur ses offres",
            basis="Exécution d'une mission d'intérêt public (action 6 du programme de la CRESS, cofinancé par le FSE)",
            period="Tant que l'offre est conservée ; effacée à la demande de la personne",
        ),
    ),
)
