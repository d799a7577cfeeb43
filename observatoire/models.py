"""The observatory's data: millésimes, the establishment file, the figures computed from it
or imported from published tables, and the perimeter of the ESS.

Pages never aggregate establishments per request: `Figure` holds every cell of the cube
(source × scope × territory × family × sector) of a millésime, computed when the file is
imported and again when the millésime is published, with its statistical-secrecy mark.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from lib.workflow import Transition, TransitionLog, Workflow
from referentiels.models import Territory

ALL_FAMILIES = "toutes"
ALL_SECTORS = "tout"
FRANCE = None  # a Figure with no territory is France as a whole (the national reference)


class MillesimeState(models.TextChoices):
    IMPORTED = "importe", "Importé"
    CHECKING = "en_controle", "En contrôle"
    PUBLISHED = "publie", "Publié"
    WITHDRAWN = "retire", "Retiré"


MILLESIME_WORKFLOW = Workflow(
    field="state",
    transitions=[
        Transition(MillesimeState.IMPORTED, MillesimeState.CHECKING, "Passer en contrôle"),
        Transition(MillesimeState.CHECKING, MillesimeState.IMPORTED, "Renvoyer à l'import"),
        Transition(MillesimeState.CHECKING, MillesimeState.PUBLISHED, "Publier"),
        Transition(MillesimeState.PUBLISHED, MillesimeState.WITHDRAWN, "Retirer de la publication"),
        Transition(MillesimeState.WITHDRAWN, MillesimeState.CHECKING, "Reprendre le contrôle"),
    ],
)


class Millesime(models.Model):
    """One year of data (the state at 31 December), whatever its sources."""

    year = models.PositiveSmallIntegerField(
        "année", unique=True, validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    state = models.CharField(
        "état", max_length=20, choices=MillesimeState.choices, default=MillesimeState.IMPORTED, editable=False
    )
    is_synthetic = models.BooleanField(
        "données synthétiques (démonstration)",
        default=False,
        help_text="Chaque page qui montre ces chiffres le signale.",
    )
    source_note = models.CharField(
        "source citée",
        max_length=255,
        blank=True,
        help_text="Ce que les pages et le panorama citent, par exemple « INSEE, Flores et base Sirene, 2024 ».",
    )
    published_at = models.DateTimeField("publié le", null=True, blank=True, editable=False)
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        verbose_name = "millésime"
        verbose_name_plural = "millésimes"
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=MillesimeState.values), name="observatoire_millesime_state_valid"
            ),
        ]

    def __str__(self):
        return f"Millésime {self.year}"

    @property
    def is_published(self) -> bool:
        return self.state == MillesimeState.PUBLISHED


class MillesimeTransition(TransitionLog):
    subject = models.ForeignKey(Millesime, on_delete=models.CASCADE, related_name="transitions")

    class Meta(TransitionLog.Meta):
        verbose_name = "changement d'état d'un millésime"
        verbose_name_plural = "changements d'état des millésimes"


class PerimeterExclusion(models.Model):
    """An activity (NAF prefix) left out of the ESS by the INSEE and CRESS-network perimeter."""

    naf_prefix = models.CharField(
        "code NAF ou début de code",
        max_length=6,
        unique=True,
        help_text="« 84 » écarte toute la division, « 94.11 » une classe.",
    )
    label = models.CharField("activité", max_length=200)
    reason = models.CharField("motif", max_length=255, blank=True)

    class Meta:
        verbose_name = "activité exclue du périmètre de l'ESS"
        verbose_name_plural = "activités exclues du périmètre de l'ESS"
        ordering = ["naf_prefix"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(naf_prefix__regex=r"^[0-9]{2}(\.[0-9]{1,2}[A-Z]?)?$"),
                name="observatoire_exclusion_naf_prefix_format",
            ),
        ]

    def __str__(self):
        return f"{self.naf_prefix} — {self.label}"


class Establishment(models.Model):
    """One row of the establishment file of a millésime (Sirene establishments joined to
    their legal unit, with the employment columns of the CRESS's yearly INSEE order).

    Staff only: pages read `Figure`. An individual entrepreneur's name is a person's name
    and the observatory has no use for it: it is not kept (`services.import_establishments`).
    """

    millesime = models.ForeignKey(
        Millesime, on_delete=models.CASCADE, related_name="establishments", verbose_name="millésime"
    )
    siret = models.CharField("SIRET", max_length=14)
    siren = models.CharField("SIREN", max_length=9)
    name = models.CharField("dénomination", max_length=255, blank=True)
    legal_category = models.CharField("catégorie juridique", max_length=4)
    naf_code = models.CharField("code NAF", max_length=6)
    commune_code = models.CharField("commune", max_length=5)
    headcount_band = models.CharField("tranche d'effectif", max_length=2, blank=True)
    is_employer = models.BooleanField("employeur")
    ess_declared = models.BooleanField("qualité ESS déclarée")
    created_on = models.DateField("date de création", null=True, blank=True)
    is_active = models.BooleanField("actif")
    employees = models.PositiveIntegerField("salariés au 31 décembre", null=True, blank=True)
    fte = models.DecimalField("équivalents temps plein", max_digits=9, decimal_places=1, null=True, blank=True)
    payroll = models.PositiveBigIntegerField("masse salariale brute (euros)", null=True, blank=True)

    class Meta:
        verbose_name = "établissement (base établissements)"
        verbose_name_plural = "établissements (base établissements)"
        ordering = ["millesime", "siret"]
        constraints = [
            models.UniqueConstraint(fields=["millesime", "siret"], name="observatoire_establishment_unique"),
            models.CheckConstraint(condition=models.Q(fte__gte=0), name="observatoire_establishment_fte_positive"),
        ]

    def __str__(self):
        return f"{self.siret} {self.name}".strip()


class Source(models.TextChoices):
    BASE = "base", "Base établissements (INSEE, commande de la CRESS)"
    FLORES = "flores", "INSEE, Flores"
    URSSAF = "urssaf", "Urssaf, données publiées"


class Scope(models.TextChoices):
    ESS = "ess", "Économie sociale et solidaire"
    ECONOMY = "ensemble", "Ensemble des employeurs privés"


class SectorLevel(models.TextChoices):
    ALL = "tout", "Tous secteurs"
    SECTION = "section", "Section NAF"
    DIVISION = "division", "Division NAF"
    GROUPING = "groupe", "Regroupement de l'ESS"


class Secrecy(models.TextChoices):
    """The stored verdict of `observatoire.secrecy` (its `Status` values)."""

    PENDING = "", "Non calculé"
    PUBLISHED = "published", "Publiable"
    PRIMARY = "primary", "Secret primaire"
    SECONDARY = "secondary", "Secret induit"


class Figure(models.Model):
    """One cell: the employer establishments, employees, FTE and payroll of a scope, for a
    territory (none: France), a family (or all) and a sector (at one level), in a millésime.

    `largest_*` is the value of the largest single establishment of the cell (dominance
    secrecy); empty when the source publishes no establishment data. `source_secret`: the
    published table gave « s » (the values are unknown; what it gave is kept).
    """

    millesime = models.ForeignKey(Millesime, on_delete=models.CASCADE, related_name="figures")
    source = models.CharField("source", max_length=10, choices=Source.choices)
    scope = models.CharField("champ", max_length=10, choices=Scope.choices)
    territory = models.ForeignKey(
        Territory, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="territoire"
    )
    family = models.CharField("famille", max_length=30)
    sector_level = models.CharField("niveau de secteur", max_length=10, choices=SectorLevel.choices)
    sector = models.CharField("secteur", max_length=40)
    establishments = models.PositiveIntegerField("établissements employeurs")
    employees = models.PositiveIntegerField("salariés", null=True, blank=True)
    fte = models.DecimalField("équivalents temps plein", max_digits=11, decimal_places=1, null=True, blank=True)
    payroll = models.PositiveBigIntegerField("masse salariale brute (euros)", null=True, blank=True)
    largest_employees = models.PositiveIntegerField("salariés du premier établissement", null=True, blank=True)
    largest_fte = models.DecimalField(
        "ETP du premier établissement", max_digits=9, decimal_places=1, null=True, blank=True
    )
    largest_payroll = models.PositiveBigIntegerField("masse salariale du premier établissement", null=True, blank=True)
    source_secret = models.BooleanField(
        "secret de la source",
        default=False,
        db_default=False,
        help_text="La source publie « s » : valeurs inconnues, case toujours secrète.",
    )
    secrecy = models.CharField("secret statistique", max_length=10, choices=Secrecy.choices, blank=True)
    secrecy_reason = models.CharField("motif du secret", max_length=120, blank=True)

    class Meta:
        verbose_name = "chiffre agrégé"
        verbose_name_plural = "chiffres agrégés"
        constraints = [
            models.UniqueConstraint(
                fields=["millesime", "source", "scope", "territory", "family", "sector_level", "sector"],
                nulls_distinct=False,
                name="observatoire_figure_unique_cell",
            ),
            models.CheckConstraint(condition=models.Q(source__in=Source.values), name="observatoire_figure_source"),
            models.CheckConstraint(condition=models.Q(scope__in=Scope.values), name="observatoire_figure_scope"),
            models.CheckConstraint(
                condition=models.Q(sector_level__in=SectorLevel.values), name="observatoire_figure_sector_level"
            ),
            models.CheckConstraint(
                condition=models.Q(scope="ess") | models.Q(family=ALL_FAMILIES),
                name="observatoire_figure_economy_has_no_family",
            ),
        ]
        indexes = [
            models.Index(fields=["millesime", "source", "scope", "sector_level", "family"]),
            # A cell over the years (the explorer's evolution, a territory's portrait).
            models.Index(fields=["territory", "source", "sector", "family"], name="observatoire_figure_series"),
        ]

    def __str__(self):
        where = self.territory.name if self.territory_id else "France"
        return f"{self.get_scope_display()} — {where} — {self.family} — {self.sector} ({self.millesime_id})"


class ImportKind(models.TextChoices):
    ESTABLISHMENTS = "etablissements", "Base établissements (un fichier par millésime)"
    TABLE = "tableau", "Tableau agrégé publié (Flores, Urssaf, référence nationale)"


class ImportStatus(models.TextChoices):
    WAITING = "en_attente", "Aperçu, en attente de lancement"
    QUEUED = "file", "Lancé, en file d'attente"
    RUNNING = "en_cours", "En cours"
    DONE = "termine", "Terminé"
    FAILED = "echoue", "Échoué"


class DataImport(models.Model):
    """A file staff upload, its preview, its progress and its report.

    The file is deleted once imported (the rows are in the database); the refused rows stay
    in the report (`ImportRefusal`).
    """

    kind = models.CharField("type de fichier", max_length=20, choices=ImportKind.choices)
    year = models.PositiveSmallIntegerField("millésime", validators=[MinValueValidator(1990), MaxValueValidator(2100)])
    file = models.FileField("fichier", upload_to="observatoire/imports/", blank=True)
    original_name = models.CharField("nom du fichier", max_length=255)
    encoding = models.CharField("encodage", max_length=20, blank=True)
    delimiter = models.CharField("séparateur", max_length=1, blank=True)
    status = models.CharField(
        "état", max_length=12, choices=ImportStatus.choices, default=ImportStatus.WAITING, editable=False
    )
    total_rows = models.PositiveIntegerField("lignes", default=0)
    processed_rows = models.PositiveIntegerField("lignes lues", default=0)
    accepted_rows = models.PositiveIntegerField("lignes retenues", default=0)
    refused_rows = models.PositiveIntegerField("lignes refusées", default=0)
    error = models.TextField("erreur", blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="déposé par"
    )
    created_at = models.DateTimeField("déposé le", auto_now_add=True)
    started_at = models.DateTimeField("commencé le", null=True, blank=True)
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)

    class Meta:
        verbose_name = "import de données"
        verbose_name_plural = "imports de données"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ImportStatus.values), name="observatoire_import_status"
            ),
            models.CheckConstraint(condition=models.Q(kind__in=ImportKind.values), name="observatoire_import_kind"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.year} — {self.original_name}"

    @property
    def percent(self) -> int:
        return int(100 * self.processed_rows / self.total_rows) if self.total_rows else 0


class ImportRefusal(models.Model):
    data_import = models.ForeignKey(DataImport, on_delete=models.CASCADE, related_name="refusals")
    line = models.PositiveIntegerField("ligne")
    identifier = models.CharField("identifiant", max_length=40, blank=True)
    reason = models.CharField("motif", max_length=255)

    class Meta:
        verbose_name = "ligne refusée"
        verbose_name_plural = "lignes refusées"
        ordering = ["data_import", "line"]

    def __str__(self):
        return f"Ligne {self.line} : {self.reason}"


class PanoramaStatus(models.TextChoices):
    QUEUED = "file", "En file d'attente"
    RUNNING = "en_cours", "En cours de fabrication"
    READY = "pret", "Prêt"
    FAILED = "echoue", "Échoué"


class Panorama(models.Model):
    """The PDF panorama of a territory for a published millésime, built by a worker.

    One per (territory, millésime, data version): a panorama asked again while the data
    has not changed is served as it is; publishing anew bumps the version and the next
    request builds a new one. Holds no personal data (the requests do).
    """

    territory = models.ForeignKey(Territory, on_delete=models.PROTECT, related_name="+", verbose_name="territoire")
    millesime = models.ForeignKey(
        Millesime, on_delete=models.CASCADE, related_name="panoramas", verbose_name="millésime"
    )
    data_version = models.PositiveBigIntegerField("version des données")
    status = models.CharField(
        "état", max_length=10, choices=PanoramaStatus.choices, default=PanoramaStatus.QUEUED, editable=False
    )
    step = models.CharField("étape", max_length=120, blank=True, editable=False)
    file = models.FileField("fichier PDF", upload_to="observatoire/panoramas/", blank=True, editable=False)
    pages = models.PositiveSmallIntegerField("pages", null=True, blank=True, editable=False)
    error = models.TextField("erreur", blank=True, editable=False)
    created_at = models.DateTimeField("demandé le", auto_now_add=True)
    queued_at = models.DateTimeField("mis en file le", null=True, blank=True, editable=False)
    started_at = models.DateTimeField("commencé le", null=True, blank=True, editable=False)
    finished_at = models.DateTimeField("terminé le", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "panorama (PDF)"
        verbose_name_plural = "panoramas (PDF)"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["territory", "millesime", "data_version"], name="observatoire_panorama_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=PanoramaStatus.values), name="observatoire_panorama_status"
            ),
            models.CheckConstraint(
                condition=~models.Q(status=PanoramaStatus.READY) | ~models.Q(file=""),
                name="observatoire_panorama_ready_has_file",
            ),
        ]

    def __str__(self):
        return f"Panorama {self.territory.name} {self.millesime.year}"

    @property
    def title(self) -> str:
        return f"Panorama de l'ESS — {self.territory.name} — {self.millesime.year}"

    @property
    def build_seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return round((self.finished_at - self.started_at).total_seconds(), 1)
        return None


class PanoramaRequest(models.Model):
    """Someone asked for a panorama: where to send the link, and the consent they gave.

    `public_id` names the progress page (it opens nothing private: the page shows the
    build's state, never the address). Deleted after PANORAMA_REQUEST_RETENTION_DAYS.
    """

    public_id = models.UUIDField("identifiant public", unique=True, editable=False)
    panorama = models.ForeignKey(Panorama, on_delete=models.CASCADE, related_name="requests")
    email = models.EmailField("adresse électronique")
    consent_text = models.TextField("texte du consentement")
    created_at = models.DateTimeField("demandé le", auto_now_add=True)
    notified_at = models.DateTimeField("lien envoyé le", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "demande de panorama"
        verbose_name_plural = "demandes de panorama"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["created_at"])]

    def __str__(self):
        return f"Demande du {self.created_at:%d/%m/%Y %H:%M}"


class PublicationQuerySet(models.QuerySet):
    def public(self):
        """What the public list shows: studies, and panoramas while their millésime is
        published (a withdrawn millésime takes its panoramas out of the list)."""
        return self.filter(
            models.Q(panorama__isnull=True) | models.Q(panorama__millesime__state=MillesimeState.PUBLISHED)
        )


class Publication(models.Model):
    """A study in the public list of publications: a published panorama or another PDF."""

    title = models.CharField("titre", max_length=200)
    published_on = models.DateField("date de publication")
    summary = models.TextField("résumé", max_length=2000)
    territory = models.ForeignKey(Territory, on_delete=models.PROTECT, related_name="+", verbose_name="territoire")
    file = models.FileField("fichier PDF", upload_to="observatoire/publications/")
    panorama = models.ForeignKey(
        Panorama,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="publications",
        verbose_name="panorama d'origine",
        editable=False,
    )
    created_at = models.DateTimeField("ajoutée le", auto_now_add=True)

    objects = PublicationQuerySet.as_manager()

    class Meta:
        verbose_name = "publication"
        verbose_name_plural = "publications"
        ordering = ["-published_on", "-pk"]
        indexes = [models.Index(fields=["-published_on", "-id"])]

    def __str__(self):
        return self.title
