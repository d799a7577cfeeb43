"""Action 4 — Communication: news, the agenda of events, the newsletter."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from annuaire.models import Organisation
from lib.choices import validate_choice_list
from lib.richtext import clean_html, plain_text
from lib.uploads import validate_image
from referentiels.models import Territory, TerritoryKind

COVER_MAX_BYTES = 3 * 1024 * 1024


def validate_cover(upload) -> None:
    validate_image(upload, max_bytes=COVER_MAX_BYTES, what="L'image de couverture")


class Publication(models.TextChoices):
    DRAFT = "brouillon", "Brouillon"
    PUBLISHED = "publiee", "Publiée (à la date de publication)"


class PublishedQuerySet(models.QuerySet):
    def visible(self):
        """What the public may see: published, and its publication date has come."""
        return self.filter(status=Publication.PUBLISHED, publish_at__lte=timezone.now())


class Publishable(models.Model):
    """Draft, scheduled (published with a date to come) or published: one rule for news and
    events, in one place (`visible()`), used by pages, feeds and the sitemap alike."""

    status = models.CharField("état", max_length=10, choices=Publication.choices, default=Publication.DRAFT)
    publish_at = models.DateTimeField(
        "date de publication",
        default=timezone.now,
        help_text="Une date à venir programme la publication : rien n'est visible avant.",
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    objects = PublishedQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def state_label(self) -> str:
        if self.status == Publication.DRAFT:
            return "Brouillon"
        return "Programmée" if self.publish_at > timezone.now() else "Publiée"

    @property
    def is_visible(self) -> bool:
        return self.status == Publication.PUBLISHED and self.publish_at <= timezone.now()


class WithCover(models.Model):
    cover = models.ImageField(
        "image de couverture", upload_to="communication/%Y/", blank=True, validators=[validate_cover]
    )
    cover_alt = models.CharField(
        "texte alternatif de l'image",
        max_length=250,
        blank=True,
        help_text="Ce que montre l'image, pour les personnes qui ne la voient pas. Obligatoire avec une image.",
    )

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        if self.cover and not self.cover_alt.strip():
            raise ValidationError(
                {"cover_alt": "Décrivez l'image en quelques mots : c'est obligatoire avec une image."}
            )


class NewsCategory(models.Model):
    name = models.CharField("nom", max_length=80, unique=True)
    slug = models.SlugField("adresse", max_length=80, unique=True)

    class Meta:
        verbose_name = "rubrique"
        verbose_name_plural = "rubriques"
        ordering = ["name"]

    def __str__(self):
        return self.name


class Tag(models.Model):
    name = models.CharField("nom", max_length=60, unique=True)
    slug = models.SlugField("adresse", max_length=60, unique=True)

    class Meta:
        verbose_name = "mot-clé"
        verbose_name_plural = "mots-clés"
        ordering = ["name"]

    def __str__(self):
        return self.name


# Addresses of the news section's own pages (feeds, newsletter), which an article must not take.
RESERVED_NEWS_SLUGS = {"rss", "atom", "lettre"}


class NewsArticle(Publishable, WithCover):
    title = models.CharField("titre", max_length=200)
    slug = models.SlugField("adresse", max_length=220, unique=True)
    summary = models.TextField(
        "chapô", max_length=400, help_text="Deux ou trois phrases : listes, flux RSS et partages sur les réseaux."
    )
    body = models.TextField("texte", blank=True)
    category = models.ForeignKey(
        NewsCategory, on_delete=models.PROTECT, null=True, blank=True, related_name="articles", verbose_name="rubrique"
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles", verbose_name="mots-clés")
    territories = models.ManyToManyField(
        Territory, blank=True, related_name="news", verbose_name="territoires concernés"
    )
    organisations = models.ManyToManyField(
        Organisation, blank=True, related_name="news", verbose_name="structures citées"
    )
    featured = models.BooleanField("à la une", default=False, help_text="Montrée en premier sur la page d'accueil.")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )

    class Meta:
        verbose_name = "actualité"
        verbose_name_plural = "actualités"
        ordering = ["-publish_at"]
        indexes = [models.Index(fields=["status", "-publish_at"], name="communication_news_pub_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(cover="") | ~Q(cover_alt=""), name="communication_news_cover_alt"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body = clean_html(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("actualites:article", args=[self.slug])

    def clean(self):
        super().clean()
        if self.slug in RESERVED_NEWS_SLUGS:
            raise ValidationError({"slug": "Cette adresse est réservée par les actualités : choisissez-en une autre."})

    @property
    def description(self) -> str:
        return self.summary or plain_text(self.body)[:300]


class EventKind(models.TextChoices):
    MOIS_ESS = "mois-ess", "Mois de l'ESS"
    FORUM = "forum", "Forum, salon"
    MEETING = "rencontre", "Rencontre, atelier"
    TRAINING = "formation", "Formation ouverte au public"
    WEBINAR = "webinaire", "Webinaire"
    OTHER = "autre", "Autre"


# Addresses of the agenda's own pages, which an event's address must not take.
RESERVED_EVENT_SLUGS = {"archives", "mois", "agenda"}


class Event(Publishable, WithCover):
    title = models.CharField("titre", max_length=200)
    slug = models.SlugField("adresse", max_length=220, unique=True)
    kind = models.CharField("type", max_length=20, choices=EventKind.choices)
    summary = models.TextField("présentation courte", max_length=400)
    body = models.TextField("programme et informations", blank=True)
    starts_at = models.DateTimeField("début", help_text="Heure de La Réunion.")
    ends_at = models.DateTimeField("fin", help_text="Heure de La Réunion.")
    commune = models.ForeignKey(
        Territory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        limit_choices_to={"kind": TerritoryKind.COMMUNE},
        verbose_name="commune",
    )
    epci = models.ForeignKey(
        Territory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name="intercommunalité",
    )
    address = models.CharField("adresse du lieu", max_length=250, blank=True)
    online_url = models.URLField("lien de connexion (en ligne)", blank=True)
    organiser = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        verbose_name="organisateur (annuaire)",
    )
    organiser_name = models.CharField("organisateur (s'il n'est pas dans l'annuaire)", max_length=200, blank=True)
    registration_url = models.URLField("lien d'inscription", blank=True)
    capacity = models.PositiveIntegerField("nombre de places", null=True, blank=True)

    class Meta:
        verbose_name = "événement"
        verbose_name_plural = "événements"
        ordering = ["starts_at"]
        indexes = [
            models.Index(fields=["status", "ends_at"], name="communication_event_end_idx"),
            models.Index(fields=["status", "starts_at"], name="communication_event_start_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gte=models.F("starts_at")), name="communication_event_order"),
            models.CheckConstraint(
                condition=Q(commune__isnull=False) | ~Q(online_url=""), name="communication_event_place"
            ),
            models.CheckConstraint(condition=Q(cover="") | ~Q(cover_alt=""), name="communication_event_cover_alt"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body = clean_html(self.body)
        self.epci_id = self.commune.parent_id if self.commune_id else None
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("agenda:evenement", args=[self.slug])

    def clean(self):
        super().clean()
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            errors["ends_at"] = "La fin doit venir après le début."
        if not self.commune_id and not self.online_url:
            errors["commune"] = "Indiquez la commune du lieu, ou un lien de connexion pour un événement en ligne."
        if self.slug in RESERVED_EVENT_SLUGS:
            errors["slug"] = "Cette adresse est réservée par l'agenda : choisissez-en une autre."
        if errors:
            raise ValidationError(errors)

    @property
    def organiser_label(self) -> str:
        return self.organiser.name if self.organiser_id else self.organiser_name

    @property
    def is_online(self) -> bool:
        return bool(self.online_url) and not self.commune_id

    @property
    def is_past(self) -> bool:
        return self.ends_at < timezone.now()


class Theme(models.TextChoices):
    """What a newsletter subscriber wants to hear about."""

    NEWS = "actualites", "Actualités de l'ESS à La Réunion"
    EVENTS = "agenda", "Événements et Mois de l'ESS"
    ENTREPRENEURSHIP = "entreprendre", "Créer ou développer une structure de l'ESS"
    EMPLOYMENT = "emploi-formation", "Emploi et formation"
    PURCHASING = "achats", "Achats responsables"


def validate_themes(value):
    validate_choice_list(value, Theme.values, "Choisissez des thèmes dans la liste.")


class Subscriber(models.Model):
    """A newsletter subscription: confirmed by a signed link (double opt-in), ended in one click.

    Personal data: the address only. Unconfirmed subscriptions are deleted after
    NEWSLETTER_PENDING_DAYS; an unsubscribed address is erased at once.
    """

    class Status(models.TextChoices):
        PENDING = "en_attente", "En attente de confirmation"
        CONFIRMED = "confirme", "Inscrit·e"
        UNSUBSCRIBED = "desinscrit", "Désinscrit·e"

    email = models.EmailField("adresse électronique", unique=True)
    status = models.CharField("état", max_length=12, choices=Status.choices, default=Status.PENDING)
    themes = models.JSONField("thèmes", default=list, blank=True, validators=[validate_themes])
    territories = models.ManyToManyField(
        Territory,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": TerritoryKind.EPCI},
        verbose_name="territoires",
    )
    consent_text = models.TextField("texte du consentement accepté")
    consent_at = models.DateTimeField("consentement donné le")
    created_at = models.DateTimeField("inscrit·e le", auto_now_add=True)
    confirmed_at = models.DateTimeField("confirmé le", null=True, blank=True)
    unsubscribed_at = models.DateTimeField("désinscrit·e le", null=True, blank=True)

    class Meta:
        verbose_name = "abonné·e à la lettre"
        verbose_name_plural = "abonné·es à la lettre"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status"], name="communication_subscr_st_idx")]

    def __str__(self):
        return self.email


class NewsletterIssue(models.Model):
    """One issue of the newsletter, composed in the admin from recent news and events."""

    class Status(models.TextChoices):
        DRAFT = "brouillon", "Brouillon"
        SENDING = "envoi", "Envoi en cours"
        SENT = "envoyee", "Envoyée"

    subject = models.CharField("objet", max_length=150)
    intro = models.TextField("éditorial", blank=True)
    news = models.ManyToManyField(NewsArticle, blank=True, related_name="+", verbose_name="actualités")
    events = models.ManyToManyField(Event, blank=True, related_name="+", verbose_name="événements")
    themes = models.JSONField(
        "thèmes visés",
        default=list,
        blank=True,
        validators=[validate_themes],
        help_text="Vide : tous les abonné·es. Sinon : ceux qui ont choisi un de ces thèmes, ou aucun thème.",
    )
    territories = models.ManyToManyField(
        Territory,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": TerritoryKind.EPCI},
        verbose_name="territoires visés",
        help_text="Vide : toute l'île. Sinon : les abonné·es de ces territoires, ou sans territoire choisi.",
    )
    status = models.CharField("état", max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    send_started_at = models.DateTimeField("envoi commencé le", null=True, blank=True, editable=False)
    sent_at = models.DateTimeField("envoi terminé le", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "lettre d'information"
        verbose_name_plural = "lettres d'information"
        ordering = ["-created_at"]

    def __str__(self):
        return self.subject

    def save(self, *args, **kwargs):
        self.intro = clean_html(self.intro)
        super().save(*args, **kwargs)


class Delivery(models.Model):
    """One recipient of one issue: the per-recipient status that makes a send resumable.

    A row is claimed (« en cours ») and committed before its message goes out, then marked
    sent: a worker that dies in between leaves it « incertain », never sent a second time.
    """

    class Status(models.TextChoices):
        PENDING = "a_envoyer", "À envoyer"
        SENDING = "en_cours", "Envoi en cours"
        SENT = "envoye", "Envoyé"
        FAILED = "echec", "Échec"
        UNCERTAIN = "incertain", "Incertain (envoi interrompu)"
        SKIPPED = "ignore", "Ignoré (désinscrit·e)"

    issue = models.ForeignKey(
        NewsletterIssue, on_delete=models.CASCADE, related_name="deliveries", verbose_name="lettre"
    )
    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="deliveries", verbose_name="abonné·e"
    )
    status = models.CharField("état", max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField("tentatives", default=0)
    claimed_at = models.DateTimeField("pris en charge le", null=True, blank=True)
    next_attempt_at = models.DateTimeField("nouvel essai après", null=True, blank=True)
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)
    error = models.TextField("erreur", blank=True)

    class Meta:
        verbose_name = "envoi de la lettre"
        verbose_name_plural = "envois de la lettre"
        constraints = [
            models.UniqueConstraint(fields=["issue", "subscriber"], name="communication_one_delivery_per_subscriber")
        ]
        indexes = [models.Index(fields=["issue", "status"], name="communication_deliv_st_idx")]

    def __str__(self):
        return f"{self.issue} → {self.subscriber}"
