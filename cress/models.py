"""The journal of personal-data requests (RGPD articles 15 and 17), made in the admin
through `cress/personal_data.py`. It keeps no personal data: the address only as a keyed
digest (so that two requests about the same person can be told apart), what was found and
erased as counts per part of the portal, and what a legal duty kept, without names."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class PersonalDataRequest(models.Model):
    class Kind(models.TextChoices):
        SEARCH = "recherche", "Recherche"
        ACCESS = "acces", "Accès (export ZIP)"
        ERASURE = "effacement", "Effacement"

    kind = models.CharField("type", max_length=12, choices=Kind.choices)
    email_digest = models.CharField("empreinte de l'adresse", max_length=64, db_index=True, editable=False)
    reference = models.CharField(
        "référence de la demande",
        max_length=200,
        help_text="Le courrier ou le courriel de la personne, sans donnée personnelle : « courriel du 3 décembre ».",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="traitée par",
    )
    created_at = models.DateTimeField("date", default=timezone.now)
    # {provider name: {"partie": label, "trouves": n, "effaces": n}}
    summary = models.JSONField("résumé", default=dict, blank=True)
    # [{"quoi": …, "motif": …, "jusqu_au": "YYYY-MM-DD"}]
    holds = models.JSONField("données conservées (obligation légale)", default=list, blank=True)

    class Meta:
        verbose_name = "demande sur des données personnelles"
        verbose_name_plural = "demandes sur des données personnelles (RGPD)"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["recherche", "acces", "effacement"]), name="personal_data_request_kind"
            ),
            models.CheckConstraint(condition=~models.Q(reference=""), name="personal_data_request_reference"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} du {timezone.localtime(self.created_at):%d/%m/%Y %H:%M}"
