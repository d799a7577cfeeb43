"""The resource centre (issue 20, point 6): guides, studies, statute models, observatory
publications and recordings that staff publish, with their themes, audiences and the
topics of other areas they serve (lib.resources)."""

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import reverse


class ResourceFormat(models.TextChoices):
    GUIDE = "guide", "Guide pratique"
    STUDY = "etude", "Étude"
    STATUTES = "modele_statuts", "Modèle de statuts"
    OBSERVATORY = "observatoire", "Publication de l'observatoire"
    RECORDING = "enregistrement", "Enregistrement (vidéo, audio)"


class ResourceTheme(models.TextChoices):
    CREATION = "creation", "Créer une structure de l'ESS"
    GOVERNANCE = "gouvernance", "Gouvernance et vie démocratique"
    FUNDING = "financement", "Financer son projet"
    EMPLOYMENT = "emploi", "Emploi et ressources humaines"
    MANAGEMENT = "gestion", "Gestion et obligations"
    COOPERATION = "cooperation", "Coopération et territoires"
    TRANSITION = "transition", "Transition écologique"
    PURCHASING = "achats", "Achats responsables"
    FIGURES = "chiffres", "Chiffres et observation de l'ESS"


class ResourceAudience(models.TextChoices):
    HOLDER = "porteur", "Porteurs de projet"
    ORGANISATION = "structure", "Structures de l'ESS"
    VOLUNTEER = "benevole", "Bénévoles et dirigeants"
    AUTHORITY = "collectivite", "Collectivités et financeurs"
    PUBLIC = "grand_public", "Grand public"


class Licence(models.TextChoices):
    CC_BY = "cc_by", "CC BY 4.0"
    CC_BY_SA = "cc_by_sa", "CC BY-SA 4.0"
    OPEN_LICENCE = "licence_ouverte", "Licence Ouverte 2.0 (Etalab)"
    ALL_RIGHTS = "tous_droits", "Tous droits réservés"


class FileKind(models.TextChoices):
    """The kind of an attached file, read from its content (lib.uploads), never its name."""

    PDF = "pdf", "PDF"
    ODT = "odt", "ODT"
    DOCX = "docx", "DOCX"
    ODS = "ods", "ODS"
    XLSX = "xlsx", "XLSX"


class ResourceQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)


class Resource(models.Model):
    title = models.CharField("titre", max_length=200)
    slug = models.SlugField("adresse", max_length=200, unique=True)
    summary = models.CharField("en bref", max_length=400)
    body = models.TextField("présentation", blank=True, help_text="Texte enrichi, nettoyé à l'enregistrement.")
    author = models.CharField("auteur", max_length=200, help_text="Une personne ou une structure.")
    published_on = models.DateField("date")
    licence = models.CharField("licence", max_length=20, choices=Licence.choices)
    format = models.CharField("format", max_length=20, choices=ResourceFormat.choices)
    file = models.FileField("fichier", upload_to="appartenance/ressources/", blank=True)
    file_kind = models.CharField("type de fichier", max_length=10, choices=FileKind.choices, blank=True, editable=False)
    external_url = models.URLField(
        "adresse externe", blank=True, help_text="Une page vidéo ou audio, ou un document publié ailleurs."
    )
    is_published = models.BooleanField("publiée", default=False)
    download_count = models.PositiveIntegerField("téléchargements", default=0, editable=False)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)
    search_vector = SearchVectorField(null=True, editable=False)  # maintained by a trigger (migration)

    objects = ResourceQuerySet.as_manager()

    class Meta:
        verbose_name = "ressource"
        verbose_name_plural = "ressources"
        ordering = ["-published_on", "-pk"]
        indexes = [models.Index(fields=["is_published", "-published_on", "-id"], name="appart_resource_published")]
        constraints = [
            models.CheckConstraint(
                condition=(~models.Q(file="") & models.Q(external_url=""))
                | (models.Q(file="") & ~models.Q(external_url="")),
                name="appartenance_resource_file_or_url",
                violation_error_message="Une ressource a soit un fichier, soit une adresse externe (pas les deux).",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("appartenance:resource", args=[self.slug])


class ResourceTag(models.Model):
    """A theme, an audience or a topic of another area (« statut/scop ») of a resource."""

    class Kind(models.TextChoices):
        THEME = "theme", "Thème"
        AUDIENCE = "public", "Public"
        TOPIC = "sujet", "Sujet d'un autre espace"

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="tags", verbose_name="ressource")
    kind = models.CharField("nature", max_length=10, choices=Kind.choices)
    value = models.CharField("valeur", max_length=120)

    class Meta:
        verbose_name = "étiquette de ressource"
        verbose_name_plural = "étiquettes de ressources"
        constraints = [
            models.UniqueConstraint(fields=["resource", "kind", "value"], name="appartenance_resource_tag_once")
        ]
        indexes = [models.Index(fields=["kind", "value"], name="appart_resource_tag_value")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} : {self.value}"
