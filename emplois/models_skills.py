"""The skills record (« compétences acquises dans l'ESS, y compris bénévoles »): a person,
without an account, lists their experiences and the transversal skills of each (the CléA
référentiel, emplois/data), sees whether their volunteering may open rights under the
compte d'engagement citoyen, and has a PDF summary built.

Only what the record needs is kept: an email (to send the private link), the consent, the
experiences. The record is opened by a private link (messagerie.links, hashed) and deleted
SKILLS_RECORD_DAYS after its last activity (emplois.skills.purge_idle_records), or at once by
the person.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from annuaire.models import Organisation

__all__ = ["SkillsExperience", "SkillsRecord"]


class SkillsRecord(models.Model):
    email = models.EmailField("adresse électronique")
    name_on_summary = models.CharField(
        "nom sur la synthèse", max_length=120, blank=True, help_text="Facultatif : imprimé sur la synthèse PDF."
    )
    consent_text = models.TextField("texte du consentement")
    consent_at = models.DateTimeField("consentement donné le")
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    last_activity_at = models.DateTimeField("dernière activité", default=timezone.now)
    # The PDF summary: asked for at pdf_requested_at, built for that request at pdf_built_at.
    pdf_requested_at = models.DateTimeField("synthèse demandée le", null=True, blank=True)
    pdf_built_at = models.DateTimeField("synthèse construite le", null=True, blank=True)
    pdf_file = models.FileField("synthèse (PDF)", upload_to="emplois/competences/", blank=True)

    class Meta:
        verbose_name = "dossier de compétences"
        verbose_name_plural = "dossiers de compétences"
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["email"], name="emplois_skills_email"),
            models.Index(fields=["last_activity_at"], name="emplois_skills_activity"),
        ]

    def __str__(self):
        return f"Dossier de compétences n°{self.pk}"

    @property
    def pdf_ready(self) -> bool:
        return bool(self.pdf_file and self.pdf_built_at and self.pdf_built_at >= self.pdf_requested_at)

    @property
    def pdf_pending(self) -> bool:
        return self.pdf_requested_at is not None and not self.pdf_ready


class SkillsExperience(models.Model):
    class Kind(models.TextChoices):
        VOLUNTEER = "benevole", "Bénévole"
        EMPLOYEE = "salarie", "Salarié ou salariée"
        CIVIC_SERVICE = "service_civique", "Volontaire en service civique"

    class Answer(models.TextChoices):
        YES = "oui", "Oui"
        NO = "non", "Non"
        UNKNOWN = "nsp", "Je ne sais pas"

    class VolunteerRole(models.TextChoices):
        BOARD = "direction", "Membre de l'organe de direction (bureau, conseil d'administration)"
        SUPERVISOR = "encadrement", "J'encadre d'autres bénévoles"
        OTHER = "autre", "Ni l'un ni l'autre"

    record = models.ForeignKey(SkillsRecord, on_delete=models.CASCADE, related_name="experiences")
    role = models.CharField("fonction ou mission", max_length=150)
    organisation_name = models.CharField("structure", max_length=200)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="structure de l'annuaire",
    )
    kind = models.CharField("statut", max_length=20, choices=Kind.choices)
    starts_on = models.DateField("début")
    ends_on = models.DateField("fin", null=True, blank=True, help_text="Vide : en cours.")
    hours_total = models.PositiveIntegerField(
        "heures au total", null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(100_000)]
    )
    hours_per_week = models.DecimalField(
        "heures par semaine",
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0.5), MaxValueValidator(80)],
    )
    description = models.TextField("ce que j'ai fait", blank=True, max_length=3000)
    skills = models.JSONField("compétences (codes CléA)", default=list, blank=True)
    # For the compte d'engagement citoyen (volunteers only).
    association_three_years = models.CharField(
        "association déclarée depuis au moins 1 an", max_length=3, choices=Answer.choices, blank=True
    )
    general_interest = models.CharField("activités d'intérêt général", max_length=3, choices=Answer.choices, blank=True)
    volunteer_role = models.CharField("rôle bénévole", max_length=12, choices=VolunteerRole.choices, blank=True)
    created_at = models.DateTimeField("ajoutée le", auto_now_add=True)

    class Meta:
        verbose_name = "expérience d'un dossier de compétences"
        verbose_name_plural = "expériences des dossiers de compétences"
        ordering = ["-starts_on", "pk"]

    def __str__(self):
        return f"{self.role} — {self.organisation_name}"
