"""The Prix de l'ESS (issue 20, point 7): a yearly campaign with its categories, its
weighted grid and its timetable (Reunion time); the applications organisations of the
directory make (a draft, then submitted and frozen: see the trigger of migration 0006_prix);
the jury (members staff appoint, their declared conflicts of interest, their scores).

What a juror may read goes through one selector (appartenance.prix.applications_for_juror),
used by the jury pages, the export and the JSON answer alike."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from annuaire.models import Organisation
from lib.workflow import Transition, TransitionLog, Workflow

# A criterion is scored from 0 to SCORE_MAX points; its weight says how much it counts.
SCORE_MAX = 10


class PrixCampaign(models.Model):
    year = models.PositiveSmallIntegerField(
        "année", unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    title = models.CharField("titre", max_length=200, help_text="« Prix de l'ESS 2026 ».")
    intro = models.TextField("présentation", max_length=4000)
    eligibility = models.TextField(
        "conditions de participation (texte affiché)",
        max_length=4000,
        blank=True,
        help_text="Ce que vérifie le portail est affiché en plus : structure de l'annuaire, à La Réunion, "
        "de l'ESS, une candidature par catégorie.",
    )
    max_applications = models.PositiveSmallIntegerField(
        "candidatures par structure au plus",
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text="Une par catégorie, et pas plus que ce nombre en tout.",
    )
    opens_at = models.DateTimeField("ouverture des candidatures", help_text="Heure de La Réunion.")
    closes_at = models.DateTimeField("clôture des candidatures", help_text="Heure de La Réunion.")
    jury_starts_at = models.DateTimeField("début de l'examen par le jury", help_text="Heure de La Réunion.")
    jury_ends_at = models.DateTimeField("fin de l'examen par le jury", help_text="Heure de La Réunion.")
    results_at = models.DateTimeField("annonce des résultats", help_text="Heure de La Réunion.")
    deliberation = models.TextField("délibération du jury", blank=True, max_length=10000, editable=False)
    deliberated_at = models.DateTimeField("délibération enregistrée le", null=True, blank=True, editable=False)
    deliberated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name="délibération enregistrée par",
    )
    published_at = models.DateTimeField("lauréats publiés le", null=True, blank=True, editable=False)
    news_url = models.CharField("actualité des résultats", max_length=300, blank=True, editable=False)

    class Meta:
        verbose_name = "campagne du Prix de l'ESS"
        verbose_name_plural = "campagnes du Prix de l'ESS"
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_at__lt=F("closes_at"))
                & Q(closes_at__lte=F("jury_starts_at"))
                & Q(jury_starts_at__lt=F("jury_ends_at"))
                & Q(jury_ends_at__lte=F("results_at")),
                name="appartenance_prix_timetable_in_order",
                violation_error_message="Le calendrier se suit : ouverture, clôture, examen par le jury "
                "(début puis fin), résultats.",
            ),
            models.CheckConstraint(
                condition=Q(published_at__isnull=True) | Q(deliberated_at__isnull=False),
                name="appartenance_prix_published_after_deliberation",
                violation_error_message="Les lauréats se publient après la délibération.",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("appartenance:prix-campaign", args=[self.year])


class PrixCategory(models.Model):
    campaign = models.ForeignKey(
        PrixCampaign, on_delete=models.CASCADE, related_name="categories", verbose_name="campagne"
    )
    name = models.CharField("nom", max_length=120)
    description = models.CharField("description", max_length=400, blank=True)
    position = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "catégorie du Prix"
        verbose_name_plural = "catégories du Prix"
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "name"], name="appartenance_prix_category_once"),
        ]

    def __str__(self):
        return self.name


class PrixCriterion(models.Model):
    """A line of the jury's grid: scored 0 to SCORE_MAX, counting `weight` times."""

    campaign = models.ForeignKey(
        PrixCampaign, on_delete=models.CASCADE, related_name="criteria", verbose_name="campagne"
    )
    name = models.CharField("critère", max_length=120)
    description = models.CharField("ce que le jury regarde", max_length=400, blank=True)
    weight = models.PositiveSmallIntegerField(
        "pondération", default=1, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    position = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "critère de la grille"
        verbose_name_plural = "critères de la grille"
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "name"], name="appartenance_prix_criterion_once"),
            models.CheckConstraint(
                condition=Q(weight__gte=1) & Q(weight__lte=10), name="appartenance_prix_criterion_weight"
            ),
        ]

    def __str__(self):
        return f"{self.name} (×{self.weight})"


class ApplicationStatus(models.TextChoices):
    DRAFT = "brouillon", "Brouillon"
    SUBMITTED = "deposee", "Déposée"
    LAUREATE = "laureate", "Lauréate"
    NOT_SELECTED = "non_retenue", "Non retenue"


APPLICATION_WORKFLOW = Workflow(
    field="status",
    transitions=[
        Transition(ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED, "Déposer la candidature"),
        Transition(ApplicationStatus.SUBMITTED, ApplicationStatus.LAUREATE, "Désigner lauréate"),
        Transition(ApplicationStatus.SUBMITTED, ApplicationStatus.NOT_SELECTED, "Ne pas retenir"),
        # Before the publication, the deliberation may be recorded again.
        Transition(ApplicationStatus.LAUREATE, ApplicationStatus.SUBMITTED, "Revenir à « déposée »"),
        Transition(ApplicationStatus.NOT_SELECTED, ApplicationStatus.SUBMITTED, "Revenir à « déposée »"),
    ],
)


class PrixApplication(models.Model):
    campaign = models.ForeignKey(
        PrixCampaign, on_delete=models.PROTECT, related_name="applications", verbose_name="campagne"
    )
    category = models.ForeignKey(
        PrixCategory, on_delete=models.PROTECT, related_name="applications", verbose_name="catégorie"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name="structure candidate"
    )
    status = models.CharField(
        "état", max_length=12, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT, editable=False
    )
    project_title = models.CharField("titre du projet", max_length=200, blank=True)
    summary = models.TextField("le projet en bref", max_length=1500, blank=True)
    impact = models.TextField("ses effets, ses résultats", max_length=4000, blank=True)
    prize = models.CharField("distinction", max_length=120, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="créée par"
    )
    created_at = models.DateTimeField("commencée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)
    submitted_at = models.DateTimeField("déposée le", null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name="déposée par",
    )

    class Meta:
        verbose_name = "candidature au Prix"
        verbose_name_plural = "candidatures au Prix"
        ordering = ["campaign", "category__position", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "category", "organisation"], name="appartenance_prix_one_per_category"
            ),
            models.CheckConstraint(
                condition=Q(status=ApplicationStatus.DRAFT) | Q(submitted_at__isnull=False),
                name="appartenance_prix_submitted_has_date",
            ),
        ]

    def __str__(self):
        return f"{self.organisation} — {self.category} ({self.campaign.year})"

    def get_absolute_url(self):
        return reverse("appartenance:prix-application", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.status == ApplicationStatus.DRAFT


class PrixApplicationTransition(TransitionLog):
    subject = models.ForeignKey(
        PrixApplication, on_delete=models.CASCADE, related_name="transitions", verbose_name="candidature"
    )

    class Meta(TransitionLog.Meta):
        verbose_name = "changement d'état d'une candidature"
        verbose_name_plural = "changements d'état des candidatures"


class PrixAttachment(models.Model):
    application = models.ForeignKey(
        PrixApplication, on_delete=models.CASCADE, related_name="attachments", verbose_name="candidature"
    )
    title = models.CharField("intitulé", max_length=120)
    file = models.FileField("fichier", upload_to="appartenance/prix/%Y/")
    file_kind = models.CharField("type de fichier", max_length=10, editable=False)
    uploaded_at = models.DateTimeField("ajoutée le", auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="ajoutée par"
    )

    class Meta:
        verbose_name = "pièce jointe d'une candidature"
        verbose_name_plural = "pièces jointes des candidatures"
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.title


class JuryMember(models.Model):
    """A juror of a campaign. Their rows are the record of the Prix's fairness, kept
    PRIX_JURY_RETENTION_YEARS after the results even when the juror asks for their data to be
    erased: the erasure then copies who they were onto the row (`held_name`, `held_email`),
    so that the row outlives their account (appartenance.personal_data). An account deleted
    otherwise leaves an anonymous juror whose scores still count."""

    campaign = models.ForeignKey(PrixCampaign, on_delete=models.CASCADE, related_name="jury", verbose_name="campagne")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="prix_juries",
        verbose_name="membre du jury",
    )
    quality = models.CharField("qualité", max_length=200, blank=True, help_text="« Présidente de la CRESS ».")
    created_at = models.DateTimeField("nommé le", auto_now_add=True)
    held_name = models.CharField("nom du juré (conservé)", max_length=300, blank=True, editable=False)
    held_email = models.EmailField("adresse du juré (conservée)", blank=True, editable=False)

    class Meta:
        verbose_name = "membre du jury"
        verbose_name_plural = "membres du jury"
        ordering = ["campaign", "user__email"]
        constraints = [models.UniqueConstraint(fields=["campaign", "user"], name="appartenance_prix_juror_once")]

    def __str__(self):
        return f"{self.display_name} — jury {self.campaign.year}"

    @property
    def display_name(self) -> str:
        return str(self.user) if self.user_id else (self.held_name or self.held_email)

    @property
    def email(self) -> str:
        return self.user.email if self.user_id else self.held_email


class ConflictOfInterest(models.Model):
    """A juror declared a tie with an organisation: they never see nor score its applications."""

    juror = models.ForeignKey(JuryMember, on_delete=models.CASCADE, related_name="conflicts", verbose_name="juré")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+", verbose_name="structure")
    reason = models.CharField("lien déclaré", max_length=300, blank=True)
    declared_at = models.DateTimeField("déclaré le", auto_now_add=True)

    class Meta:
        verbose_name = "conflit d'intérêts déclaré"
        verbose_name_plural = "conflits d'intérêts déclarés"
        ordering = ["juror", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["juror", "organisation"], name="appartenance_prix_conflict_once")
        ]

    def __str__(self):
        return f"{self.juror.display_name} — {self.organisation}"


class PrixEvaluation(models.Model):
    """One juror's scores of one application (a row per criterion) and their comment. The
    database refuses one for an organisation the juror declared (migration 0006_prix)."""

    juror = models.ForeignKey(JuryMember, on_delete=models.CASCADE, related_name="evaluations", verbose_name="juré")
    application = models.ForeignKey(
        PrixApplication, on_delete=models.CASCADE, related_name="evaluations", verbose_name="candidature"
    )
    comment = models.TextField("commentaire", max_length=3000, blank=True)
    updated_at = models.DateTimeField("notée le", auto_now=True)

    class Meta:
        verbose_name = "évaluation d'un juré"
        verbose_name_plural = "évaluations des jurés"
        ordering = ["application", "juror"]
        constraints = [
            models.UniqueConstraint(fields=["juror", "application"], name="appartenance_prix_evaluation_once")
        ]

    def __str__(self):
        return f"{self.application} — {self.juror.display_name}"


class PrixScore(models.Model):
    evaluation = models.ForeignKey(
        PrixEvaluation, on_delete=models.CASCADE, related_name="scores", verbose_name="évaluation"
    )
    criterion = models.ForeignKey(PrixCriterion, on_delete=models.CASCADE, related_name="+", verbose_name="critère")
    points = models.PositiveSmallIntegerField("note", validators=[MaxValueValidator(SCORE_MAX)])

    class Meta:
        verbose_name = "note d'un critère"
        verbose_name_plural = "notes des critères"
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "criterion"], name="appartenance_prix_score_once"),
            models.CheckConstraint(condition=Q(points__lte=SCORE_MAX), name="appartenance_prix_score_range"),
        ]

    def __str__(self):
        return f"{self.criterion.name} : {self.points}/{SCORE_MAX}"
