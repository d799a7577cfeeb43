"""The good-practices guide (issue 20, points 3 and 4): an organisation of the directory
assesses itself each year on the guide's eight themes (appartenance/data/
guide_bonnes_pratiques.toml), several of its members contributing, and sets improvement
actions. Private to the organisation: no staff role reads the answers (cress/access.py)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from annuaire.models import Organisation


class GuideAssessment(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+", verbose_name="structure")
    year = models.PositiveSmallIntegerField("année", validators=[MinValueValidator(2014), MaxValueValidator(2100)])
    created_at = models.DateTimeField("commencée le", auto_now_add=True)
    updated_at = models.DateTimeField("dernière réponse", auto_now=True)

    class Meta:
        verbose_name = "auto-évaluation des bonnes pratiques"
        verbose_name_plural = "auto-évaluations des bonnes pratiques"
        ordering = ["organisation", "-year"]
        constraints = [models.UniqueConstraint(fields=["organisation", "year"], name="appartenance_guide_one_per_year")]

    def __str__(self):
        return f"Bonnes pratiques {self.year} — {self.organisation}"


class GuideAnswer(models.Model):
    class Choice(models.TextChoices):
        YES = "oui", "Oui"
        PARTLY = "partiel", "En partie"
        NO = "non", "Non"
        UNKNOWN = "nsp", "Je ne sais pas"

    assessment = models.ForeignKey(
        GuideAssessment, on_delete=models.CASCADE, related_name="answers", verbose_name="auto-évaluation"
    )
    question = models.CharField("question", max_length=80)  # its id in the guide's data file
    choice = models.CharField("réponse", max_length=8, choices=Choice.choices, blank=True)
    number = models.DecimalField("valeur", max_digits=9, decimal_places=2, null=True, blank=True)
    text = models.TextField("précision", max_length=2000, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="répondu par",
    )
    updated_at = models.DateTimeField("répondu le", auto_now=True)

    class Meta:
        verbose_name = "réponse au guide"
        verbose_name_plural = "réponses au guide"
        constraints = [models.UniqueConstraint(fields=["assessment", "question"], name="appartenance_guide_one_answer")]

    def __str__(self):
        return f"{self.question} ({self.assessment})"


class GuideAction(models.Model):
    class Status(models.TextChoices):
        TODO = "a_faire", "À faire"
        DOING = "en_cours", "En cours"
        DONE = "faite", "Faite"
        DROPPED = "abandonnee", "Abandonnée"

    assessment = models.ForeignKey(
        GuideAssessment, on_delete=models.CASCADE, related_name="actions", verbose_name="auto-évaluation"
    )
    theme = models.CharField("thème", max_length=30)
    title = models.CharField("action", max_length=200)
    owner = models.CharField("porteur", max_length=120, help_text="Une personne ou une fonction : « la trésorière ».")
    due_on = models.DateField("échéance", null=True, blank=True)
    status = models.CharField("état", max_length=12, choices=Status.choices, default=Status.TODO)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="créée par"
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    class Meta:
        verbose_name = "action d'amélioration"
        verbose_name_plural = "actions d'amélioration"
        ordering = ["due_on", "pk"]

    def __str__(self):
        return self.title
