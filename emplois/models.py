"""Emplois et carrières dans l'ESS (Action 6): the job and volunteering offers of the
directory's organisations, the applications made through the portal, and their logs.

An offer belongs to an organisation of the directory; its members (annuaire's partner
memberships) post and edit it from their space, staff moderate it in the admin. States of
offers and applications change only through the declared workflows (emplois.workflows).
"""

import secrets
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q

from annuaire.models import Organisation
from lib.workflow import TransitionLog
from messagerie.models import SavedSearchAlert
from referentiels.models import RomeFiche, Territory


class Contract(models.TextChoices):
    CDI = "cdi", "CDI"
    CDD = "cdd", "CDD"
    APPRENTICESHIP = "alternance", "Alternance"
    INTERNSHIP = "stage", "Stage"
    AIDED = "contrat_aide", "Contrat aidé (PEC, CDDI…)"
    CIVIC_SERVICE = "service_civique", "Service civique"
    VOLUNTEERING = "benevolat", "Bénévolat"


# What JobPosting's employmentType says for each (schema.org / search engines' values).
EMPLOYMENT_TYPES = {
    Contract.CDI: "FULL_TIME",
    Contract.CDD: "TEMPORARY",
    Contract.APPRENTICESHIP: "INTERN",
    Contract.INTERNSHIP: "INTERN",
    Contract.AIDED: "TEMPORARY",
    Contract.CIVIC_SERVICE: "VOLUNTEER",
    Contract.VOLUNTEERING: "VOLUNTEER",
}


class OfferKind(models.TextChoices):
    JOB = "emploi", "Emploi"
    VOLUNTEERING = "benevolat", "Mission bénévole"


class WorkingTime(models.TextChoices):
    FULL = "temps_plein", "Temps plein"
    PART = "temps_partiel", "Temps partiel"


class PayPeriod(models.TextChoices):
    HOUR = "heure", "brut de l'heure"
    MONTH = "mois", "brut par mois"
    YEAR = "an", "brut par an"


# JobPosting's baseSalary unitText.
PAY_UNITS = {PayPeriod.HOUR: "HOUR", PayPeriod.MONTH: "MONTH", PayPeriod.YEAR: "YEAR"}


class Remote(models.TextChoices):
    NONE = "non", "Sur place"
    PARTIAL = "partiel", "Télétravail partiel"
    FULL = "total", "Entièrement à distance"


class ApplyMode(models.TextChoices):
    PORTAL = "portail", "Sur le portail"
    EMAIL = "courriel", "Par courriel"
    EXTERNAL = "site", "Sur le site de l'employeur"


class Offer(models.Model):
    """A job or a volunteering mission offered by an organisation of the directory."""

    class Status(models.TextChoices):
        DRAFT = "brouillon", "Brouillon"
        REVIEW = "en_revue", "En revue"
        PUBLISHED = "publiee", "Publiée"
        FILLED = "pourvue", "Pourvue"
        EXPIRED = "expiree", "Expirée"
        REFUSED = "refusee", "Refusée"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="job_offers", verbose_name="structure"
    )
    title = models.CharField("intitulé du poste ou de la mission", max_length=150)
    slug = models.SlugField("identifiant d'adresse", max_length=160)
    kind = models.CharField("nature", max_length=12, choices=OfferKind.choices, default=OfferKind.JOB)
    rome = models.ForeignKey(
        RomeFiche, on_delete=models.PROTECT, related_name="job_offers", verbose_name="métier (code ROME)"
    )
    contract = models.CharField("contrat", max_length=20, choices=Contract.choices)
    working_time = models.CharField("temps de travail", max_length=15, choices=WorkingTime.choices, blank=True)
    hours_per_week = models.DecimalField(
        "heures par semaine", max_digits=4, decimal_places=1, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    duration_months = models.PositiveSmallIntegerField(
        "durée (mois)", null=True, blank=True, help_text="Pour un CDD, un stage, une alternance, un service civique."
    )
    volunteer_time = models.CharField(
        "temps demandé", max_length=150, blank=True, help_text="Pour une mission bénévole : « 2 heures par semaine »…"
    )
    pay_min = models.DecimalField(
        "rémunération minimale",
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    pay_max = models.DecimalField(
        "rémunération maximale",
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    pay_period = models.CharField("période de la rémunération", max_length=10, choices=PayPeriod.choices, blank=True)
    commune = models.ForeignKey(
        Territory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="job_offers",
        limit_choices_to={"kind": "commune"},
        verbose_name="commune",
    )
    remote = models.CharField("lieu de travail", max_length=10, choices=Remote.choices, default=Remote.NONE)
    starts_on = models.DateField("date de début", null=True, blank=True, help_text="Vide : dès que possible.")
    closes_on = models.DateField("date limite de candidature")
    description = models.TextField("description")  # sanitised HTML (lib.richtext)
    profile = models.TextField("profil recherché", blank=True)  # sanitised HTML
    apply_mode = models.CharField("candidature", max_length=10, choices=ApplyMode.choices, default=ApplyMode.PORTAL)
    apply_email = models.EmailField("adresse pour candidater", blank=True)
    apply_url = models.URLField("adresse du site pour candidater", max_length=500, blank=True)
    contact_email = models.EmailField(
        "adresse qui reçoit les candidatures",
        help_text="Chaque candidature déposée sur le portail y est signalée, avec un lien vers elle (jamais le CV "
        "en pièce jointe).",
    )
    status = models.CharField("état", max_length=12, choices=Status.choices, default=Status.DRAFT, editable=False)
    refusal_reason = models.TextField("motif du refus", blank=True)
    published_at = models.DateTimeField("publiée le", null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="déposée par",
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)
    # The normalised words of the title and description, hashed: the same text posted
    # again (by the same or another organisation) is flagged to staff.
    fingerprint = models.CharField("empreinte du texte", max_length=64, blank=True, db_index=True, editable=False)
    copy_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="copies",
        verbose_name="copie de l'offre",
        editable=False,
    )
    search_vector = SearchVectorField(null=True, editable=False)  # maintained by a trigger (migration 0002)

    class Meta:
        verbose_name = "offre d'emploi ou de bénévolat"
        verbose_name_plural = "offres d'emploi et de bénévolat"
        ordering = ["-published_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="emplois_offer_status_idx"),
            models.Index(fields=["organisation", "status"], name="emplois_offer_org_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(pay_min__isnull=True) | Q(pay_max__isnull=True) | Q(pay_min__lte=F("pay_max")),
                name="emplois_offer_pay_range",
                violation_error_message="La rémunération minimale dépasse la maximale.",
            ),
            # EU directive 2023/970 (pay transparency): a job says its pay; a volunteering
            # mission pays nothing. Only a draft may still lack it.
            models.CheckConstraint(
                condition=Q(status="brouillon")
                | Q(kind=OfferKind.VOLUNTEERING)
                | (Q(pay_min__isnull=False) & ~Q(pay_period="")),
                name="emplois_offer_job_pay",
                violation_error_message="Une offre d'emploi indique sa rémunération (une fourchette).",
            ),
            models.CheckConstraint(
                condition=Q(kind=OfferKind.JOB, contract__in=[c for c in Contract.values if c != "benevolat"])
                | Q(kind=OfferKind.VOLUNTEERING, contract=Contract.VOLUNTEERING),
                name="emplois_offer_kind_contract",
                violation_error_message="Une mission bénévole a le contrat « bénévolat », une offre d'emploi un autre.",
            ),
            models.CheckConstraint(
                condition=~Q(apply_mode=ApplyMode.EMAIL) | ~Q(apply_email=""),
                name="emplois_offer_apply_email",
                violation_error_message="Indiquez l'adresse à laquelle candidater.",
            ),
            models.CheckConstraint(
                condition=~Q(apply_mode=ApplyMode.EXTERNAL) | ~Q(apply_url=""),
                name="emplois_offer_apply_url",
                violation_error_message="Indiquez l'adresse du site où candidater.",
            ),
            models.CheckConstraint(
                condition=~Q(remote=Remote.NONE) | Q(commune__isnull=False),
                name="emplois_offer_place",
                violation_error_message="Indiquez la commune du poste, ou qu'il est à distance.",
            ),
        ]

    def __str__(self):
        return f"{self.title} — {self.organisation_id and self.organisation.name}"

    @property
    def is_volunteering(self) -> bool:
        return self.kind == OfferKind.VOLUNTEERING

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.PUBLISHED


class OfferTransition(TransitionLog):
    subject = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="transitions", verbose_name="offre")

    class Meta(TransitionLog.Meta):
        verbose_name = "changement d'état d'une offre"
        verbose_name_plural = "journal des offres"


def application_file_path(instance, filename: str) -> str:
    """A random name in a folder per month: the person's file name is never part of the path."""
    suffix = PurePosixPath(filename).suffix.lower()[:6]
    return f"emplois/candidatures/{secrets.token_hex(16)}{suffix}"


class Application(models.Model):
    """An application made through the portal: the candidate's words and files, which the
    employer reads on a private page and moves through the declared states."""

    class Status(models.TextChoices):
        RECEIVED = "recue", "Reçue"
        SEEN = "vue", "Vue"
        INTERVIEW = "entretien", "Entretien proposé"
        HIRED = "retenue", "Retenue"
        REJECTED = "non_retenue", "Non retenue"

    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="applications", verbose_name="offre")
    reference = models.CharField("référence", max_length=20, unique=True, editable=False)
    name = models.CharField("nom et prénom", max_length=150)
    email = models.EmailField("adresse électronique")
    phone = models.CharField("téléphone", max_length=30, blank=True)
    message = models.TextField("message")
    cv = models.FileField("CV", upload_to=application_file_path, max_length=300)
    cv_name = models.CharField("nom d'origine du CV", max_length=200, editable=False)
    letter = models.FileField("lettre de motivation", upload_to=application_file_path, max_length=300, blank=True)
    letter_name = models.CharField("nom d'origine de la lettre", max_length=200, blank=True, editable=False)
    consent_text = models.TextField("texte du consentement accepté")
    consent_at = models.DateTimeField("consentement donné le")
    status = models.CharField("état", max_length=12, choices=Status.choices, default=Status.RECEIVED, editable=False)
    status_changed_at = models.DateTimeField("état changé le", null=True, blank=True, editable=False)
    created_at = models.DateTimeField("déposée le", auto_now_add=True)

    class Meta:
        verbose_name = "candidature"
        verbose_name_plural = "candidatures"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["offer", "status"], name="emplois_application_offer_idx")]

    def __str__(self):
        return f"Candidature {self.reference}"


class ApplicationTransition(TransitionLog):
    subject = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="transitions", verbose_name="candidature"
    )

    class Meta(TransitionLog.Meta):
        verbose_name = "changement d'état d'une candidature"
        verbose_name_plural = "journal des candidatures"


class JobAlert(SavedSearchAlert):
    """A saved search of the offers, with an email: after a double opt-in, a daily or weekly
    digest of the new offers matching it."""

    class Meta(SavedSearchAlert.Meta):
        verbose_name = "alerte sur les offres"
        verbose_name_plural = "alertes sur les offres"
        indexes = [models.Index(fields=["email"], name="emplois_alert_email")]


class JobAlertDelivery(models.Model):
    """One offer sent once to one alert."""

    alert = models.ForeignKey(JobAlert, on_delete=models.CASCADE, related_name="deliveries", verbose_name="alerte")
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="+", verbose_name="offre")
    created_at = models.DateTimeField("envoyée le", auto_now_add=True)

    class Meta:
        verbose_name = "envoi d'une alerte sur les offres"
        verbose_name_plural = "envois des alertes sur les offres"
        constraints = [models.UniqueConstraint(fields=["alert", "offer"], name="emplois_alert_sent_once")]

    def __str__(self):
        return f"{self.offer_id} → alerte {self.alert_id}"


from emplois.metiers import MetierFamily  # noqa: E402, F401  (les métiers de l'ESS)
from emplois.models_skills import *  # noqa: E402, F403
