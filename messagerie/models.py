from django.db import models


class OutgoingEmail(models.Model):
    """One email to one person, written in the same transaction as the change it reports.

    A Celery task sends it after commit and marks it sent; a periodic sweep enqueues
    again the rows left pending, so that a broker outage delays mail without losing it.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "À envoyer"
        SENT = "sent", "Envoyé"
        FAILED = "failed", "Échec définitif"

    to = models.EmailField("destinataire")
    subject = models.CharField("objet", max_length=255)
    body_text = models.TextField("texte")
    body_html = models.TextField("HTML", blank=True)
    from_email = models.CharField("expéditeur", max_length=255, blank=True)
    reply_to = models.EmailField("répondre à", blank=True)
    headers = models.JSONField("en-têtes", default=dict, blank=True)
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
        ]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(status="pending"),
                name="messagerie_pending_idx",
            ),
        ]

    def __str__(self):
        return f"{self.subject} → {self.to}"
