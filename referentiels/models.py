from django.core.exceptions import ValidationError
from django.db import models

from lib.choices import validate_choice_list


class TerritoryKind(models.TextChoices):
    REGION = "region", "Région"
    EPCI = "epci", "Intercommunalité (EPCI)"
    ARRONDISSEMENT = "arrondissement", "Arrondissement"
    COMMUNE = "commune", "Commune"


# The administrative tree: a commune belongs to an EPCI, which belongs to a région.
# Arrondissements are a second, state-side partition of the communes, under the région.
PARENT_KIND = {
    TerritoryKind.REGION: None,
    TerritoryKind.EPCI: TerritoryKind.REGION,
    TerritoryKind.ARRONDISSEMENT: TerritoryKind.REGION,
    TerritoryKind.COMMUNE: TerritoryKind.EPCI,
}


class Territory(models.Model):
    """A territory of any level, so that another region can be loaded the same way."""

    kind = models.CharField("niveau", max_length=20, choices=TerritoryKind.choices)
    code = models.CharField(
        "code officiel",
        max_length=12,
        help_text="Code INSEE (région, arrondissement, commune) ou SIREN (EPCI).",
    )
    name = models.CharField("nom", max_length=150)
    short_name = models.CharField("sigle", max_length=30, blank=True)
    slug = models.SlugField("identifiant d'adresse", max_length=160)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name="territoire parent",
    )
    arrondissement = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="arrondissement_communes",
        limit_choices_to={"kind": TerritoryKind.ARRONDISSEMENT},
        verbose_name="arrondissement",
    )
    population = models.PositiveIntegerField("population municipale", null=True, blank=True)
    population_year = models.PositiveSmallIntegerField("année de la population", null=True, blank=True)
    legal_nature = models.CharField("nature juridique", max_length=100, blank=True)
    latitude = models.FloatField("latitude du chef-lieu", null=True, blank=True)
    longitude = models.FloatField("longitude du chef-lieu", null=True, blank=True)

    class Meta:
        verbose_name = "territoire"
        verbose_name_plural = "territoires"
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "code"], name="referentiels_territory_kind_code"),
            models.UniqueConstraint(fields=["kind", "slug"], name="referentiels_territory_kind_slug"),
            models.CheckConstraint(
                condition=models.Q(kind__in=TerritoryKind.values),
                name="referentiels_territory_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(kind=TerritoryKind.REGION, parent__isnull=True)
                | (~models.Q(kind=TerritoryKind.REGION) & models.Q(parent__isnull=False)),
                name="referentiels_territory_parent_by_kind",
            ),
        ]
        indexes = [models.Index(fields=["kind", "name"])]

    def __str__(self):
        return self.name

    def clean(self):
        expected = PARENT_KIND.get(self.kind)
        if expected is None and self.parent_id:
            raise ValidationError({"parent": "Une région n'a pas de territoire parent."})
        if expected is not None and (self.parent is None or self.parent.kind != expected):
            raise ValidationError({"parent": f"Le parent doit être de niveau « {TerritoryKind(expected).label} »."})
        if self.arrondissement_id and self.kind != TerritoryKind.COMMUNE:
            raise ValidationError({"arrondissement": "Seule une commune a un arrondissement."})


class ProjectStage(models.TextChoices):
    """Where a project stands: asked of project holders, declared by support structures."""

    EMERGENCE = "emergence", "Émergence (idée, premières démarches)"
    CREATION = "creation", "Création"
    DEVELOPMENT = "developpement", "Développement"
    TAKEOVER = "reprise", "Reprise"
    TRANSMISSION = "transmission", "Transmission"


def validate_project_stages(value):
    validate_choice_list(value, ProjectStage.values, "Choisissez des stades de projet dans la liste.")


class EssFamily(models.TextChoices):
    """The five statutory families of the ESS (law of 31 July 2014, art. 1)."""

    ASSOCIATION = "association", "Association"
    COOPERATIVE = "cooperative", "Coopérative"
    MUTUELLE = "mutuelle", "Mutuelle"
    FONDATION = "fondation", "Fondation"
    SOCIETE_COMMERCIALE = "societe_commerciale", "Société commerciale de l'ESS"


class LegalForm(models.Model):
    """An INSEE catégorie juridique (level III), with its ESS family by statute if any."""

    code = models.CharField("code INSEE", max_length=4, unique=True)
    label = models.CharField("libellé", max_length=200)
    family = models.CharField(
        "famille de l'ESS par statut",
        max_length=30,
        choices=EssFamily.choices,
        blank=True,
        help_text=(
            "Vide pour une forme commerciale : elle relève de l'ESS seulement si la "
            "structure déclare la qualité ESS ou détient l'agrément ESUS."
        ),
    )

    class Meta:
        verbose_name = "forme juridique"
        verbose_name_plural = "formes juridiques"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[0-9]{4}$"),
                name="referentiels_legalform_code_4_digits",
            ),
        ]

    def __str__(self):
        return f"{self.label} ({self.code})"


class NafSection(models.Model):
    code = models.CharField("code", max_length=1, unique=True)
    label = models.CharField("libellé", max_length=200)

    class Meta:
        verbose_name = "section NAF"
        verbose_name_plural = "sections NAF"
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} — {self.label}"


class RomeDomain(models.Model):
    """A grand domaine of France Travail's ROME (A … N)."""

    code = models.CharField("code", max_length=1, unique=True)
    label = models.CharField("libellé", max_length=200)

    class Meta:
        verbose_name = "grand domaine du ROME"
        verbose_name_plural = "grands domaines du ROME"
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} — {self.label}"


class RomeFiche(models.Model):
    """A fiche métier of France Travail's ROME (répertoire opérationnel des métiers et des
    emplois): code (a letter and four digits) and label (see data/README.md)."""

    code = models.CharField("code ROME", max_length=5, unique=True)
    label = models.CharField("libellé", max_length=200)
    domain = models.ForeignKey(
        RomeDomain, on_delete=models.PROTECT, related_name="fiches", verbose_name="grand domaine"
    )

    class Meta:
        verbose_name = "fiche métier ROME"
        verbose_name_plural = "fiches métiers ROME"
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} — {self.label}"


class NafDivision(models.Model):
    code = models.CharField("code", max_length=2, unique=True)
    label = models.CharField("libellé", max_length=250)
    section = models.ForeignKey(NafSection, on_delete=models.PROTECT, related_name="divisions", verbose_name="section")

    class Meta:
        verbose_name = "division NAF"
        verbose_name_plural = "divisions NAF"
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} — {self.label}"


class NafActivity(models.Model):
    """A NAF rév. 2 sous-classe (code such as 88.99B), as Sirene records them."""

    code = models.CharField("code", max_length=6, unique=True)
    label = models.CharField("libellé", max_length=250)
    division = models.ForeignKey(
        NafDivision, on_delete=models.PROTECT, related_name="activities", verbose_name="division"
    )

    class Meta:
        verbose_name = "activité NAF (sous-classe)"
        verbose_name_plural = "activités NAF (sous-classes)"
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} — {self.label}"
