from django.db import models
from django.utils import timezone

from lib.dates import french_date


class OutgoingEmail(models.Model):
    """One email to one person, written in the same transaction as the change it reports.

    A Celery task sends it after commit and marks it sent; a periodic sweep enqueues
    again the rows left pending, so that a broker outage delays mail without losing it.

    A worker first claims the row (« en cours d'envoi », committed), then talks to the mail
    server outside any transaction, then marks it sent. A worker killed in between leaves
    the row claimed, and a claimed row is never sent again by the queue: after
    OUTBOX_SENDING_TIMEOUT the sweep marks it « envoi incertain » for staff to decide.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "À envoyer"
        SENDING = "sending", "En cours d'envoi"
        SENT = "sent", "Envoyé"
        UNCERTAIN = "uncertain", "Envoi incertain"
        FAILED = "failed", "Échec définitif"

    to = models.EmailField("destinataire")
    subject = models.CharField("objet", max_length=255)
    body_text = models.TextField("texte")
    body_html = models.TextField("HTML", blank=True)
    from_email = models.CharField("expéditeur", max_length=255, blank=True)
    reply_to = models.EmailField("répondre à", blank=True)
    headers = models.JSONField("en-têtes", default=dict, blank=True)
    links = models.JSONField(
        "liens personnels",
        default=dict,
        blank=True,
        help_text="Les liens privés que le message porte : fabriqués à l'envoi, jamais conservés en clair.",
    )
    attachments = models.JSONField(
        "pièces jointes",
        default=list,
        blank=True,
        help_text="Fichiers texte joints (ex. un rendez-vous .ics) : nom, type MIME et contenu.",
    )
    kind = models.CharField(
        "type de message",
        max_length=80,
        help_text="Le gabarit d'origine, pour filtrer et pour les préférences de notification.",
    )
    dedup_key = models.CharField(
        "clé d'unicité",
        max_length=200,
        null=True,
        blank=True,
        unique=True,
        help_text="Empêche de mettre deux fois le même message en file (ex. un rappel).",
    )
    status = models.CharField("état", max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField("tentatives", default=0)
    last_error = models.TextField("dernière erreur", blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True, db_index=True)
    claimed_at = models.DateTimeField(
        "pris en charge le",
        null=True,
        blank=True,
        help_text="Quand un worker a commencé l'envoi (la dernière tentative).",
    )
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)

    class Meta:
        verbose_name = "courriel sortant"
        verbose_name_plural = "courriels sortants"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="sent", sent_at__isnull=False) | ~models.Q(status="sent"),
                name="messagerie_sent_has_date",
            ),
            models.CheckConstraint(
                condition=models.Q(status="sending", claimed_at__isnull=False) | ~models.Q(status="sending"),
                name="messagerie_sending_has_claim",
            ),
        ]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(status="pending"),
                name="messagerie_pending_idx",
            ),
            models.Index(
                fields=["claimed_at"],
                condition=models.Q(status="sending"),
                name="messagerie_sending_idx",
            ),
        ]

    def __str__(self):
        return f"{self.subject} → {self.to}"


class PrivateLink(models.Model):
    """The stored half of a private link: the hash of its token, what it opens, until when.

    The token itself only ever travels in the email; `messagerie.links` mints it when the
    message leaves and checks it when the address is opened.
    """

    purpose = models.CharField("usage", max_length=60, help_text="Ce que le lien ouvre (ex. accueil.suivi).")
    object_id = models.BigIntegerField("objet")
    token_hash = models.CharField("empreinte", max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    expires_at = models.DateTimeField("valable jusqu'au")
    first_used_at = models.DateTimeField("premier usage", null=True, blank=True)
    supersedes = models.BooleanField(
        "remplace les précédents",
        default=False,
        help_text="À son premier usage, les liens plus anciens vers le même objet cessent de fonctionner.",
    )

    class Meta:
        verbose_name = "lien privé"
        verbose_name_plural = "liens privés"
        indexes = [models.Index(fields=["purpose", "object_id"], name="messagerie_link_target_idx")]

    def __str__(self):
        return f"{self.purpose} #{self.object_id} (jusqu'au {french_date(self.expires_at)})"


class SavedSearchAlert(models.Model):
    """The fields of an email alert on a saved search (messagerie.alert_subscriptions runs
    its life): each app's alert model subclasses it and adds its own."""

    class Frequency(models.TextChoices):
        DAILY = "quotidienne", "Chaque jour"
        WEEKLY = "hebdomadaire", "Chaque semaine"

    email = models.EmailField("adresse électronique")
    query = models.CharField(
        "recherche enregistrée", max_length=1000, blank=True, help_text="Les filtres de l'adresse."
    )
    label = models.CharField("intitulé", max_length=300, help_text="La recherche dite en mots, pour les courriels.")
    frequency = models.CharField("fréquence", max_length=12, choices=Frequency.choices, default=Frequency.WEEKLY)
    token_hash = models.CharField("empreinte du lien privé", max_length=64, unique=True, editable=False)
    consent_text = models.TextField("texte du consentement accepté")
    consent_at = models.DateTimeField("consentement donné le")
    confirmed_at = models.DateTimeField("confirmée le", null=True, blank=True)
    unsubscribed_at = models.DateTimeField("désinscrite le", null=True, blank=True)
    last_sent_at = models.DateTimeField("dernier envoi", null=True, blank=True)
    # What was published from here is new: nothing older is sent as « new ».
    watermark = models.DateTimeField("nouveautés depuis", default=timezone.now)
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    def __str__(self):
        return f"Alerte « {self.label} »"
