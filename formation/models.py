"""Action 6 (Formation): the training catalogue, its sessions, registrations with a waiting
list, attendance per half-day, certificates, satisfaction surveys, complaints and the HR
support requests of ESS employers.

Invariants kept by the database: a session's registrations holding a place never exceed
its capacity (the registration service locks the session row, counts, then writes; the
count is rechecked under the lock), a registration's state moves only through
`formation.workflows`, a certificate number is unique, a person answers each survey once.
"""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone

from lib.dates import french_date
from lib.workflow import TransitionLog
from referentiels.models import RomeFiche, Territory, TerritoryKind


class Theme(models.TextChoices):
    GOVERNANCE = "gouvernance", "Gouvernance associative"
    COOPERATIVE = "cooperative", "Créer une SCOP ou une SCIC"
    MANAGEMENT = "gestion", "Gestion et comptabilité"
    FUNDING = "financement", "Financer son projet"
    HR = "rh", "Ressources humaines"
    EMPLOYER = "employeur", "Obligations de l'employeur"
    ESS = "ess", "Comprendre l'ESS"


class Audience(models.TextChoices):
    EMPLOYEES = "salaries", "Salarié·es"
    VOLUNTEERS = "benevoles", "Bénévoles"
    MANAGERS = "dirigeants", "Dirigeant·es et élu·es"
    EMPLOYERS = "employeurs", "Employeurs"
    HOLDERS = "porteurs", "Porteurs et porteuses de projet"


class Modality(models.TextChoices):
    ONSITE = "presentiel", "Présentiel"
    REMOTE = "distanciel", "Distanciel"
    BLENDED = "mixte", "Mixte"


class Trainer(models.Model):
    """A person who leads sessions: a CRESS worker or an outside trainer."""

    first_name = models.CharField("prénom", max_length=100)
    last_name = models.CharField("nom", max_length=100)
    email = models.EmailField("adresse électronique", blank=True)
    phone = models.CharField("téléphone", max_length=20, blank=True)
    organisation_name = models.CharField("structure", max_length=200, blank=True)
    bio = models.TextField("présentation publique", blank=True, max_length=2000)
    is_active = models.BooleanField("actif", default=True)

    class Meta:
        verbose_name = "formateur·rice"
        verbose_name_plural = "formateurs et formatrices"
        ordering = ["last_name", "first_name"]

    def __str__(self):
        return f"{self.first_name} {self.last_name}".strip()


class Training(models.Model):
    """A training of the catalogue; it runs as one or more sessions."""

    class Status(models.TextChoices):
        DRAFT = "brouillon", "Brouillon"
        PUBLISHED = "publiee", "Publiée"
        ARCHIVED = "archivee", "Archivée"

    title = models.CharField("intitulé", max_length=200)
    slug = models.SlugField("adresse", max_length=200, unique=True)
    theme = models.CharField("thème", max_length=20, choices=Theme.choices)
    audiences = models.JSONField(
        "publics", default=list, help_text="Codes des publics visés (salaries, benevoles, dirigeants…)."
    )
    summary = models.CharField("en bref", max_length=300)
    objectives = models.TextField("objectifs pédagogiques", help_text="Un objectif par ligne.")
    programme = models.TextField("programme", help_text="Texte enrichi, nettoyé à l'enregistrement.")
    prerequisites = models.TextField("prérequis", blank=True, default="Aucun prérequis.")
    duration_hours = models.DecimalField("durée (heures)", max_digits=5, decimal_places=1)
    modality = models.CharField("modalité", max_length=12, choices=Modality.choices)
    price = models.DecimalField("prix par personne (€)", max_digits=8, decimal_places=2, default=0)
    funding = models.TextField(
        "financements possibles", blank=True, help_text="OPCO, gratuité pour les porteurs de projet…"
    )
    accessibility = models.TextField(
        "accessibilité aux personnes en situation de handicap",
        default="Nous contacter pour adapter la formation : référent handicap de la CRESS.",
    )
    teaching_methods = models.TextField("méthodes pédagogiques", blank=True)
    assessment = models.TextField("modalités d'évaluation", default="Quiz de fin de formation et mise en situation.")
    what_to_bring = models.TextField("à apporter", blank=True)
    status = models.CharField("état", max_length=10, choices=Status.choices, default=Status.DRAFT)
    # The métiers it leads to: the ESS métiers pages show it there (lib.trainings).
    rome_fiches = models.ManyToManyField(
        RomeFiche,
        blank=True,
        related_name="trainings",
        verbose_name="métiers visés (codes ROME)",
        help_text="Les fiches métiers du ROME auxquelles la formation prépare : elle est proposée sur les pages "
        "« Les métiers de l'ESS » qui les citent.",
    )
    created_at = models.DateTimeField("créée le", default=timezone.now)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)
    # French full text without accents, kept by a database trigger (migration 0002).
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name = "formation"
        verbose_name_plural = "formations"
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(condition=models.Q(duration_hours__gt=0), name="formation_duration_positive"),
            models.CheckConstraint(condition=models.Q(price__gte=0), name="formation_price_not_negative"),
        ]

    def __str__(self):
        return self.title

    @property
    def objective_list(self) -> list[str]:
        return [line.strip(" -•\t") for line in self.objectives.splitlines() if line.strip(" -•\t")]

    def get_audiences_display(self) -> list[str]:
        labels = dict(Audience.choices)
        return [labels.get(code, code) for code in self.audiences]


class Session(models.Model):
    """One run of a training: dates, place or online link, trainer, capacity."""

    class Status(models.TextChoices):
        PLANNED = "prevue", "Prévue"
        CANCELLED = "annulee", "Annulée"

    training = models.ForeignKey(Training, on_delete=models.PROTECT, related_name="sessions", verbose_name="formation")
    starts_at = models.DateTimeField("début")
    ends_at = models.DateTimeField("fin")
    commune = models.ForeignKey(
        Territory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": TerritoryKind.COMMUNE},
        verbose_name="commune",
    )
    address = models.CharField("adresse", max_length=300, blank=True)
    access_notes = models.TextField("accès", blank=True, help_text="Transports, stationnement, étage…")
    online_url = models.URLField("lien de connexion", blank=True)
    trainer = models.ForeignKey(
        Trainer, on_delete=models.PROTECT, null=True, blank=True, related_name="sessions", verbose_name="formateur·rice"
    )
    capacity = models.PositiveSmallIntegerField("places")
    offer_hours = models.PositiveSmallIntegerField(
        "validité d'une place proposée (heures)", default=48, help_text="Délai pour confirmer une place libérée."
    )
    allow_groups = models.BooleanField(
        "inscriptions de groupe", default=False, help_text="Une structure peut inscrire plusieurs personnes."
    )
    status = models.CharField("état", max_length=10, choices=Status.choices, default=Status.PLANNED)
    created_at = models.DateTimeField("créée le", default=timezone.now)

    class Meta:
        verbose_name = "session"
        verbose_name_plural = "sessions"
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="formation_session_ends_after"
            ),
            models.CheckConstraint(condition=models.Q(capacity__gte=1), name="formation_session_capacity_positive"),
            models.CheckConstraint(condition=models.Q(offer_hours__gte=1), name="formation_session_offer_positive"),
        ]
        indexes = [models.Index(fields=["status", "starts_at"], name="formation_session_upcoming_idx")]

    def __str__(self):
        return f"{self.training} — {french_date(timezone.localtime(self.starts_at))}"


class HalfDay(models.Model):
    """A half-day of a session: one line of the attendance sheet per person and half-day."""

    class Period(models.TextChoices):
        MORNING = "matin", "Matin"
        AFTERNOON = "apres_midi", "Après-midi"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="half_days", verbose_name="session")
    date = models.DateField("date")
    period = models.CharField("demi-journée", max_length=10, choices=Period.choices)

    class Meta:
        verbose_name = "demi-journée"
        verbose_name_plural = "demi-journées"
        ordering = ["date", "-period"]
        constraints = [models.UniqueConstraint(fields=["session", "date", "period"], name="formation_halfday_unique")]

    def __str__(self):
        return f"{french_date(self.date)}, {self.get_period_display().lower()}"


class RegistrationGroup(models.Model):
    """Several people registered together for one structure (when the session allows it)."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="groups", verbose_name="session")
    organisation = models.ForeignKey(
        "annuaire.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="structure (annuaire)",
    )
    organisation_name = models.CharField("structure", max_length=200)
    contact_email = models.EmailField("adresse de la personne qui inscrit")
    created_at = models.DateTimeField("créé le", default=timezone.now)

    class Meta:
        verbose_name = "inscription de groupe"
        verbose_name_plural = "inscriptions de groupe"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.organisation_name} — {self.session}"


class AssessmentResult(models.TextChoices):
    MET = "atteints", "Objectifs atteints"
    PARTLY_MET = "partiels", "Objectifs partiellement atteints"
    NOT_MET = "non_atteints", "Objectifs non atteints"


class Registration(models.Model):
    """A person's registration to a session, or their place on its waiting list."""

    class Status(models.TextChoices):
        REGISTERED = "inscrite", "Inscrite"
        WAITING = "en_attente", "En attente"
        OFFERED = "place_proposee", "Place proposée"
        CONFIRMED = "confirmee", "Confirmée"
        CANCELLED = "annulee", "Annulée"
        PRESENT = "presente", "Présente"
        ABSENT = "absente", "Absente"

    # The states that hold one of the session's places (an offer holds it until it expires).
    HOLDING = (Status.REGISTERED, Status.OFFERED, Status.CONFIRMED, Status.PRESENT, Status.ABSENT)

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="registrations", verbose_name="session")
    group = models.ForeignKey(
        RegistrationGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registrations",
        verbose_name="groupe",
    )
    first_name = models.CharField("prénom", max_length=100)
    last_name = models.CharField("nom", max_length=100)
    email = models.EmailField("adresse électronique")
    phone = models.CharField("téléphone", max_length=20, blank=True)
    job_title = models.CharField("fonction", max_length=150, blank=True)
    organisation = models.ForeignKey(
        "annuaire.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="structure (annuaire)",
    )
    organisation_name = models.CharField("structure", max_length=200, blank=True)
    needs_adaptation = models.TextField("besoin d'adaptation (handicap)", blank=True, max_length=1000)
    consent_text = models.TextField("texte du consentement accepté")
    consent_at = models.DateTimeField("consentement donné le")
    status = models.CharField("état", max_length=20, choices=Status.choices, default=Status.REGISTERED)
    # The waiting list's order: first come, first offered.
    waiting_since = models.DateTimeField("en liste d'attente depuis", null=True, blank=True)
    offer_expires_at = models.DateTimeField("place proposée jusqu'au", null=True, blank=True)
    # The result of the assessment of what was learnt, printed on the certificate (Code du
    # travail, L6353-1): recorded by staff with the attendance.
    assessment_result = models.CharField(
        "résultat de l'évaluation des acquis", max_length=20, choices=AssessmentResult.choices, blank=True
    )
    certificate_number = models.CharField(
        "numéro d'attestation", max_length=30, null=True, blank=True, unique=True, editable=False
    )
    certificate_file = models.FileField("attestation (PDF)", upload_to="formation/attestations/", blank=True)
    certificate_issued_at = models.DateTimeField("attestation établie le", null=True, blank=True)
    created_at = models.DateTimeField("inscrite le", default=timezone.now)
    anonymised_at = models.DateTimeField("anonymisée le", null=True, blank=True)

    class Meta:
        verbose_name = "inscription"
        verbose_name_plural = "inscriptions"
        ordering = ["session", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="en_attente") | models.Q(waiting_since__isnull=False),
                name="formation_waiting_has_date",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="place_proposee") | models.Q(offer_expires_at__isnull=False),
                name="formation_offer_has_deadline",
            ),
            models.CheckConstraint(
                condition=models.Q(certificate_number__isnull=True) | models.Q(status="presente"),
                name="formation_certificate_only_present",
            ),
        ]
        indexes = [
            models.Index(fields=["session", "status"], name="formation_reg_session_idx"),
            models.Index(fields=["session", "waiting_since"], name="formation_reg_waiting_idx"),
            models.Index(Upper("email"), name="formation_reg_email_ci_idx"),
            models.Index(fields=["status", "offer_expires_at"], name="formation_reg_offer_idx"),
        ]

    def __str__(self):
        return f"{self.full_name} — {self.session}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def holds_place(self) -> bool:
        return self.status in self.HOLDING


class RegistrationTransition(TransitionLog):
    subject = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="transitions")

    class Meta(TransitionLog.Meta):
        verbose_name = "changement d'état d'une inscription"
        verbose_name_plural = "changements d'état des inscriptions"


class Attendance(models.Model):
    """Presence of one registered person at one half-day, recorded by staff."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="attendances", verbose_name="inscription"
    )
    half_day = models.ForeignKey(
        HalfDay, on_delete=models.CASCADE, related_name="attendances", verbose_name="demi-journée"
    )
    present = models.BooleanField("présent·e")
    recorded_at = models.DateTimeField("relevé le", default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="par"
    )

    class Meta:
        verbose_name = "présence"
        verbose_name_plural = "présences"
        ordering = ["half_day", "registration"]
        constraints = [models.UniqueConstraint(fields=["registration", "half_day"], name="formation_attendance_unique")]

    def __str__(self):
        return f"{self.registration.full_name} — {self.half_day} : {'présent·e' if self.present else 'absent·e'}"


class SurveyResponse(models.Model):
    """A trainee's answer to the satisfaction survey: « à chaud » after the session, « à
    froid » two months later (what changed at work). One of each per registration."""

    class Kind(models.TextChoices):
        HOT = "chaud", "À chaud (fin de formation)"
        COLD = "froid", "À froid (deux mois après)"

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="survey_responses", verbose_name="inscription"
    )
    kind = models.CharField("questionnaire", max_length=10, choices=Kind.choices)
    satisfaction = models.PositiveSmallIntegerField("satisfaction (1 à 5)")
    objectives_met = models.PositiveSmallIntegerField("objectifs atteints (1 à 5)")
    applied_at_work = models.BooleanField("mis en pratique au travail", null=True, blank=True)
    comment = models.TextField("commentaire", blank=True, max_length=3000)
    answered_at = models.DateTimeField("répondu le", default=timezone.now)

    class Meta:
        verbose_name = "réponse au questionnaire"
        verbose_name_plural = "réponses aux questionnaires"
        ordering = ["-answered_at"]
        constraints = [
            models.UniqueConstraint(fields=["registration", "kind"], name="formation_survey_once"),
            models.CheckConstraint(
                condition=models.Q(satisfaction__gte=1, satisfaction__lte=5), name="formation_survey_satisfaction_range"
            ),
            models.CheckConstraint(
                condition=models.Q(objectives_met__gte=1, objectives_met__lte=5),
                name="formation_survey_objectives_range",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.registration.full_name}"


class Complaint(models.Model):
    """A complaint (réclamation) about a training and how it was handled (Qualiopi)."""

    class Status(models.TextChoices):
        OPEN = "ouverte", "Ouverte"
        HANDLED = "traitee", "Traitée"

    training = models.ForeignKey(
        Training, on_delete=models.PROTECT, related_name="complaints", verbose_name="formation"
    )
    session = models.ForeignKey(
        Session, on_delete=models.SET_NULL, null=True, blank=True, related_name="complaints", verbose_name="session"
    )
    received_at = models.DateTimeField("reçue le", default=timezone.now)
    author = models.CharField("auteur·rice", max_length=200, blank=True)
    description = models.TextField("objet de la réclamation", max_length=5000)
    handling = models.TextField("traitement et réponse apportée", blank=True, max_length=5000)
    status = models.CharField("état", max_length=10, choices=Status.choices, default=Status.OPEN)
    handled_at = models.DateTimeField("traitée le", null=True, blank=True)

    class Meta:
        verbose_name = "réclamation"
        verbose_name_plural = "réclamations"
        ordering = ["-received_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="traitee") | (models.Q(handled_at__isnull=False) & ~models.Q(handling="")),
                name="formation_complaint_handled_has_answer",
            )
        ]

    def __str__(self):
        return f"Réclamation du {french_date(timezone.localtime(self.received_at))} — {self.training}"


class HrRequest(models.Model):
    """An ESS employer's request for HR support (appui RH), handled like an intake request."""

    class Need(models.TextChoices):
        RECRUITMENT = "recrutement", "Recrutement"
        CONTRACTS = "contrats", "Contrats de travail"
        TRAINING_PLAN = "plan_formation", "Plan de développement des compétences"
        OBLIGATIONS = "obligations", "Obligations de l'employeur"
        OTHER = "autre", "Autre question RH"

    class Status(models.TextChoices):
        NEW = "nouvelle", "Nouvelle"
        IN_PROGRESS = "en_cours", "En cours"
        WAITING = "attente_employeur", "En attente de l'employeur"
        CLOSED = "close", "Close"

    reference = models.CharField("référence", max_length=20, unique=True, editable=False)
    organisation = models.ForeignKey(
        "annuaire.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="structure (annuaire)",
    )
    organisation_name = models.CharField("structure", max_length=200)
    headcount = models.PositiveIntegerField("nombre de salarié·es", null=True, blank=True)
    contact_name = models.CharField("nom de la personne", max_length=200)
    email = models.EmailField("adresse électronique")
    phone = models.CharField("téléphone", max_length=20, blank=True)
    need = models.CharField("besoin", max_length=20, choices=Need.choices)
    description = models.TextField("description du besoin", max_length=5000)
    consent_text = models.TextField("texte du consentement accepté")
    consent_at = models.DateTimeField("consentement donné le")
    status = models.CharField("état", max_length=20, choices=Status.choices, default=Status.NEW)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"is_staff": True},
        verbose_name="chargé·e",
    )
    suggested_training = models.ForeignKey(
        Training,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="formation conseillée",
    )
    created_at = models.DateTimeField("déposée le", default=timezone.now)
    closed_at = models.DateTimeField("close le", null=True, blank=True)
    anonymised_at = models.DateTimeField("anonymisée le", null=True, blank=True)

    class Meta:
        verbose_name = "demande d'appui RH"
        verbose_name_plural = "demandes d'appui RH"
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="formation_hr_state_idx"),
            models.Index(Upper("email"), name="formation_hr_email_ci_idx"),
        ]

    def __str__(self):
        return f"{self.reference} — {self.organisation_name}"


class HrRequestTransition(TransitionLog):
    subject = models.ForeignKey(HrRequest, on_delete=models.CASCADE, related_name="transitions")

    class Meta(TransitionLog.Meta):
        verbose_name = "changement d'état d'une demande d'appui RH"
        verbose_name_plural = "changements d'état des demandes d'appui RH"


class HrMessage(models.Model):
    """The one conversation of an HR request: the employer and the staff write in it."""

    class Author(models.TextChoices):
        EMPLOYER = "employeur", "Employeur"
        STAFF = "equipe", "Équipe CRESS"

    request = models.ForeignKey(HrRequest, on_delete=models.CASCADE, related_name="messages", verbose_name="demande")
    author_kind = models.CharField("auteur", max_length=10, choices=Author.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="par"
    )
    body = models.TextField("message", max_length=5000)
    created_at = models.DateTimeField("envoyé le", default=timezone.now)

    class Meta:
        verbose_name = "message d'appui RH"
        verbose_name_plural = "messages d'appui RH"
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"Message du {french_date(timezone.localtime(self.created_at))}"
