from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from simple_history.models import HistoricalRecords

from annuaire.validators import validate_logo
from lib.workflow import TransitionLog
from referentiels.models import (
    EssFamily,
    LegalForm,
    NafActivity,
    NafSection,
    ProjectStage,
    Territory,
    TerritoryKind,
    validate_project_stages,
)
from referentiels.validators import validate_siren, validate_siret

phone_validator = RegexValidator(
    r"^\+?[0-9 .()-]{6,20}$",
    "Saisissez un numéro de téléphone (chiffres, espaces, points ou tirets).",
)


class Category(models.Model):
    """A thematic category of the directory (insertion, environnement, culture…)."""

    name = models.CharField("nom", max_length=100, unique=True)
    slug = models.SlugField("identifiant d'adresse", max_length=100, unique=True)

    class Meta:
        verbose_name = "thématique"
        verbose_name_plural = "thématiques"
        ordering = ["name"]

    def __str__(self):
        return self.name


class Label(models.Model):
    """A label, agreement or status an organisation holds (SIAE, entreprise adaptée…)."""

    name = models.CharField("nom", max_length=100, unique=True)
    slug = models.SlugField("identifiant d'adresse", max_length=100, unique=True)
    description = models.CharField("description", max_length=255, blank=True)

    class Meta:
        verbose_name = "label ou agrément"
        verbose_name_plural = "labels et agréments"
        ordering = ["name"]

    def __str__(self):
        return self.name


class HeadcountBand(models.TextChoices):
    """INSEE tranches d'effectif salarié."""

    NONE = "00", "0 salarié"
    B1_2 = "01", "1 ou 2 salariés"
    B3_5 = "02", "3 à 5 salariés"
    B6_9 = "03", "6 à 9 salariés"
    B10_19 = "11", "10 à 19 salariés"
    B20_49 = "12", "20 à 49 salariés"
    B50_99 = "21", "50 à 99 salariés"
    B100_199 = "22", "100 à 199 salariés"
    B200_PLUS = "31", "200 salariés et plus"


class Role(models.TextChoices):
    """What an organisation is for the portal's users; a structure may have several."""

    ACTOR = "acteur", "Acteur de l'ESS"
    SUPPORT = "accompagnement", "Structure d'accompagnement"
    FUNDER = "financeur", "Financeur"
    SUPPLIER = "fournisseur", "Fournisseur pour l'achat responsable"
    INSTITUTIONAL = "institutionnel", "Partenaire institutionnel"


ROLE_FIELDS = {
    Role.ACTOR: "is_ess_actor",
    Role.SUPPORT: "is_support_structure",
    Role.FUNDER: "is_funder",
    Role.SUPPLIER: "is_supplier",
    Role.INSTITUTIONAL: "is_institutional_partner",
}


class Organisation(models.Model):
    """An organisation of the ESS directory, shared by every action of the portal."""

    name = models.CharField("nom", max_length=255)
    acronym = models.CharField("sigle", max_length=50, blank=True)
    slug = models.SlugField("identifiant d'adresse", max_length=255, unique=True)
    siren = models.CharField(
        "SIREN", max_length=9, blank=True, validators=[validate_siren], help_text="9 chiffres (clé de Luhn)."
    )
    siret = models.CharField(
        "SIRET", max_length=14, blank=True, validators=[validate_siret], help_text="14 chiffres (clé de Luhn)."
    )
    legal_form = models.ForeignKey(
        LegalForm, on_delete=models.PROTECT, null=True, blank=True, verbose_name="forme juridique"
    )
    ess_family = models.CharField(
        "famille de l'ESS",
        max_length=30,
        choices=EssFamily.choices,
        blank=True,
        help_text="Déduite de la forme juridique, ou « société commerciale de l'ESS » si déclarée.",
    )
    ess_declared = models.BooleanField(
        "qualité ESS déclarée", default=False, help_text="Société commerciale déclarée de l'ESS (Sirene)."
    )
    esus_agreement = models.BooleanField("agrément ESUS", default=False)
    naf_activity = models.ForeignKey(
        NafActivity, on_delete=models.PROTECT, null=True, blank=True, verbose_name="activité principale (NAF)"
    )
    sector = models.ForeignKey(
        NafSection,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        verbose_name="secteur (section NAF)",
    )
    categories = models.ManyToManyField(Category, blank=True, related_name="organisations", verbose_name="thématiques")
    labels = models.ManyToManyField(Label, blank=True, related_name="organisations", verbose_name="labels")
    description = models.TextField("présentation", blank=True, max_length=5000)
    address = models.CharField("adresse", max_length=255, blank=True)
    postcode = models.CharField(
        "code postal",
        max_length=5,
        blank=True,
        validators=[RegexValidator(r"^97[0-9]{3}$", "Code postal à 5 chiffres.")],
    )
    commune = models.ForeignKey(
        Territory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        limit_choices_to={"kind": TerritoryKind.COMMUNE},
        verbose_name="commune",
    )
    epci = models.ForeignKey(
        Territory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="epci_organisations",
        verbose_name="intercommunalité",
    )
    latitude = models.FloatField(
        "latitude", null=True, blank=True, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.FloatField(
        "longitude", null=True, blank=True, validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    website = models.URLField("site internet", blank=True)
    email = models.EmailField("adresse électronique", blank=True)
    phone = models.CharField("téléphone", max_length=20, blank=True, validators=[phone_validator])
    logo = models.ImageField("logo", upload_to="annuaire/logos/%Y/", blank=True, validators=[validate_logo])
    headcount_band = models.CharField("effectif salarié", max_length=2, choices=HeadcountBand.choices, blank=True)
    creation_year = models.PositiveSmallIntegerField(
        "année de création", null=True, blank=True, validators=[MinValueValidator(1800), MaxValueValidator(2100)]
    )
    is_ess_actor = models.BooleanField("acteur de l'ESS", default=True)
    is_support_structure = models.BooleanField("structure d'accompagnement", default=False)
    is_funder = models.BooleanField("financeur", default=False)
    is_supplier = models.BooleanField("fournisseur pour l'achat responsable", default=False)
    is_institutional_partner = models.BooleanField("partenaire institutionnel", default=False)
    territories_covered = models.ManyToManyField(
        Territory,
        blank=True,
        related_name="covering_organisations",
        verbose_name="territoires couverts",
        help_text="Pour une structure d'accompagnement : où elle intervient.",
    )
    support_stages = models.JSONField(
        "stades de projet accompagnés",
        default=list,
        blank=True,
        validators=[validate_project_stages],
        help_text="Pour une structure d'accompagnement : à quels stades elle accompagne les projets.",
    )
    is_published = models.BooleanField("publiée dans l'annuaire", default=False)
    last_verified_at = models.DateField("dernière vérification", null=True, blank=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)
    # Words of the related rows (commune, categories, labels, sector) so that the
    # stored search vector, computed by a database trigger, can include them.
    search_text = models.TextField(editable=False, blank=True, default="")
    search_vector = SearchVectorField(null=True, editable=False)

    history = HistoricalRecords(
        excluded_fields=["search_text", "search_vector", "updated_at"], verbose_name="historique"
    )

    class Meta:
        verbose_name = "structure"
        verbose_name_plural = "structures"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["siret"], condition=~models.Q(siret=""), name="annuaire_organisation_siret_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(siret="") | models.Q(siret__regex=r"^[0-9]{14}$"),
                name="annuaire_organisation_siret_14_digits",
            ),
            models.CheckConstraint(
                condition=models.Q(siren="") | models.Q(siren__regex=r"^[0-9]{9}$"),
                name="annuaire_organisation_siren_9_digits",
            ),
            models.CheckConstraint(
                condition=models.Q(ess_family="") | models.Q(ess_family__in=EssFamily.values),
                name="annuaire_organisation_family_valid",
            ),
            models.CheckConstraint(
                condition=(models.Q(latitude__isnull=True) & models.Q(longitude__isnull=True))
                | (models.Q(latitude__isnull=False) & models.Q(longitude__isnull=False)),
                name="annuaire_organisation_both_coordinates",
            ),
        ]
        indexes = [
            models.Index(fields=["is_published", "name"], name="annuaire_pub_name_idx"),
            models.Index(fields=["commune"], name="annuaire_commune_idx"),
            # Filter-then-sort-by-name pages: walk the names of one EPCI or one family.
            models.Index(fields=["epci", "is_published", "name"], name="annuaire_epci_name_idx"),
            models.Index(fields=["ess_family", "is_published", "name"], name="annuaire_family_name_idx"),
            # The visible area of a map at street zoom: a latitude range, then longitudes.
            models.Index(
                fields=["latitude", "longitude"], condition=models.Q(is_published=True), name="annuaire_position_idx"
            ),
            # Matching a buyer's need with ESS suppliers (experimentations.matching): the
            # suppliers of the need's sectors and every column their score and order read,
            # from the index alone (at 200 000 organisations, no visit of the wide rows).
            models.Index(
                fields=["sector"],
                include=["id", "commune", "epci", "ess_family", "esus_agreement", "headcount_band", "name"],
                condition=models.Q(is_published=True, is_supplier=True, is_ess_actor=True),
                name="annuaire_supplier_sector_idx",
            ),
        ]

    def __str__(self):
        return self.name

    @classmethod
    def from_db(cls, db, field_names, values, *, fetch_mode=None):
        instance = super().from_db(db, field_names, values, fetch_mode=fetch_mode)
        # Where it stood when loaded: placing it on the map compares with this, without a query.
        loaded = dict(zip(field_names, values, strict=True))
        if {"commune_id", "latitude", "longitude"} <= loaded.keys():
            instance.loaded_position = (loaded["commune_id"], loaded["latitude"], loaded["longitude"])
        return instance

    def support_stage_labels(self) -> list[str]:
        labels = dict(ProjectStage.choices)
        return [labels[stage] for stage in ProjectStage.values if stage in self.support_stages]

    @property
    def roles(self) -> list[Role]:
        return [role for role, field in ROLE_FIELDS.items() if getattr(self, field)]

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class SearchWord(models.Model):
    """A distinct word of the organisations' names (lower case, no accent).

    Typo tolerance compares the words of a query with this small lexicon by trigram
    similarity, instead of comparing them with every name.
    """

    word = models.CharField("mot", max_length=100, primary_key=True)

    class Meta:
        verbose_name = "mot du lexique de recherche"
        verbose_name_plural = "lexique de recherche"

    def __str__(self):
        return self.word


class Contribution(models.Model):
    """A proposal from the public: a new organisation, or a correction of one. Moderated by staff."""

    class Kind(models.TextChoices):
        NEW = "nouvelle", "Nouvelle structure"
        CORRECTION = "correction", "Correction d'une fiche"

    class Status(models.TextChoices):
        PENDING = "en_attente", "En attente de modération"
        ACCEPTED = "acceptee", "Acceptée"
        REJECTED = "refusee", "Refusée"

    kind = models.CharField("type", max_length=20, choices=Kind.choices)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="contributions",
        verbose_name="structure concernée",
    )
    proposed = models.JSONField("valeurs proposées", default=dict)
    logo = models.ImageField(
        "logo proposé", upload_to="annuaire/propositions/%Y/", blank=True, validators=[validate_logo]
    )
    message = models.TextField("message du contributeur", blank=True, max_length=3000)
    contributor_name = models.CharField("nom du contributeur", max_length=150)
    contributor_email = models.EmailField("adresse du contributeur")
    consent_text = models.TextField("texte du consentement accepté")
    consent_at = models.DateTimeField("consentement donné le")
    status = models.CharField("état", max_length=20, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField("reçue le", auto_now_add=True)
    created_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="structure créée",
    )

    class Meta:
        verbose_name = "proposition de contribution"
        verbose_name_plural = "propositions de contribution"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="nouvelle") | models.Q(organisation__isnull=False),
                name="annuaire_contribution_correction_has_organisation",
            ),
        ]

    def __str__(self):
        target = self.organisation or self.proposed.get("name", "")
        return f"{self.get_kind_display()} — {target}"


class ContributionTransition(TransitionLog):
    subject = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="transitions")

    class Meta(TransitionLog.Meta):
        verbose_name = "changement d'état d'une proposition"
        verbose_name_plural = "journal des propositions"


class Claim(models.Model):
    """A person asks to manage an organisation's page.

    The organisation confirms by a link sent to its published address; then staff
    approve, which creates (or reuses) the person's account and a membership. When that
    address changed shortly before, two different staff members must approve.
    """

    class Status(models.TextChoices):
        EMAIL_PENDING = "a_confirmer", "En attente de confirmation par la structure"
        CONFIRMED = "confirmee", "Confirmée par la structure"
        # The organisation's address changed recently: a second staff member must approve.
        AWAITING_SECOND_APPROVAL = "seconde_validation", "En attente d'une seconde validation"
        APPROVED = "validee", "Validée"
        REJECTED = "refusee", "Refusée"
        EXPIRED = "expiree", "Expirée"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="claims", verbose_name="structure"
    )
    name = models.CharField("nom et prénom", max_length=150)
    email = models.EmailField("adresse électronique")
    position = models.CharField("fonction dans la structure", max_length=150)
    message = models.TextField("message", blank=True, max_length=2000)
    consent_text = models.TextField("texte du consentement accepté")
    consent_at = models.DateTimeField("consentement donné le")
    expires_at = models.DateTimeField("lien valable jusqu'au")
    status = models.CharField("état", max_length=20, choices=Status.choices, default=Status.EMAIL_PENDING)
    created_at = models.DateTimeField("demandée le", auto_now_add=True)

    class Meta:
        verbose_name = "demande de gestion d'une fiche"
        verbose_name_plural = "demandes de gestion des fiches"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} — {self.organisation}"


class ClaimTransition(TransitionLog):
    subject = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="transitions")

    class Meta(TransitionLog.Meta):
        verbose_name = "changement d'état d'une demande de gestion"
        verbose_name_plural = "journal des demandes de gestion"


class PartnerMembership(models.Model):
    """Links a partner user to the organisation of the directory they act for.

    It opens that structure's private pages (its orientations) to the person: an approved
    claim creates it (`approve_claim`), or a superuser in the admin.
    """

    class Role(models.TextChoices):
        ADMIN = "admin", "Administrateur de la structure"
        MEMBER = "membre", "Membre"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name="utilisateur"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships", verbose_name="structure"
    )
    role = models.CharField("rôle", max_length=20, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        verbose_name = "rattachement à une structure partenaire"
        verbose_name_plural = "rattachements aux structures partenaires"
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="annuaire_partnermembership_unique"),
        ]

    def __str__(self):
        return f"{self.user} — {self.organisation}"
