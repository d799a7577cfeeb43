"""The PDF report of a good-practices self-assessment (issue 20, point 4), for the
organisation's general assembly: asked for by a member, built by a worker, emailed to the
person who asked with a link to the assessment's page (members only). One row per assessment:
the latest request wins; each request is built and emailed once (appartenance.report)."""

from django.conf import settings
from django.db import models

from appartenance.models_guide import GuideAssessment


class GuideReport(models.Model):
    class Status(models.TextChoices):
        QUEUED = "en_attente", "En attente"
        RUNNING = "en_cours", "En cours"
        READY = "pret", "Prêt"
        FAILED = "echoue", "Échoué"

    assessment = models.OneToOneField(
        GuideAssessment, on_delete=models.CASCADE, related_name="report", verbose_name="auto-évaluation"
    )
    status = models.CharField("état", max_length=12, choices=Status.choices, default=Status.QUEUED)
    step = models.CharField("étape", max_length=80, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="demandé par"
    )
    requested_at = models.DateTimeField("demandé le")
    built_at = models.DateTimeField("construit le", null=True, blank=True)
    file = models.FileField("rapport (PDF)", upload_to="appartenance/rapports/", blank=True)
    pages = models.PositiveSmallIntegerField("pages", null=True, blank=True)

    class Meta:
        verbose_name = "rapport de bonnes pratiques"
        verbose_name_plural = "rapports de bonnes pratiques"

    def __str__(self):
        return f"Rapport — {self.assessment}"

    @property
    def ready(self) -> bool:
        return self.status == self.Status.READY and bool(self.file)
