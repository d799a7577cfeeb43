"""Action 2 (Territoires): concerted ESS action plans per territory, their axes, actions and
indicators, and the public policies and instruments (regional strategy, departmental
schemes, EPCI plans, PTCE) that apply to a territory.

Invariants: a plan belongs to one territory (région, EPCI or commune); an action's state
moves only through `territoires.workflows` (one log row per change); an indicator has at
most one measured value per date; a PTCE's members are listed with their kind.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from annuaire.models import Organisation
from lib.workflow import TransitionLog
from referentiels.models import Territory, TerritoryKind

PLAN_TERRITORY_KINDS = (TerritoryKind.REGION, TerritoryKind.EPCI, TerritoryKind.COMMUNE)


class Plan(models.Model):
    """A territory's concerted ESS action plan."""

    territory = models.ForeignKey(
        Territory,
        on_delete=models.PROTECT,
        related_name="plans",
        limit_choices_to={"kind__in": PLAN_TERRITORY_KINDS},
        verbose_name="territoire",
    )
    title = models.CharField("intitulé", max_length=200)
    slug = models.SlugField("adresse", max_length=200, unique=True)
    summary = models.CharField("en bref", max_length=400)
    diagnostic = models.TextField("diagnostic", help_text="Texte enrichi, nettoyé à l'enregistrement.")
    start_year = models.PositiveSmallIntegerField("de", validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    end_year = models.PositiveSmallIntegerField("à", validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    adopted_on = models.DateField("adopté le", null=True, blank=True, help_text="Vide : plan en préparation.")
    is_published = models.BooleanField("publié sur le site", default=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="suivi par (CRESS)",
    )
    partners = models.ManyToManyField(
        Organisation, blank=True, related_name="territorial_plans", verbose_name="partenaires du plan"
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "plan territorial de l'ESS"
        verbose_name_plural = "plans territoriaux de l'ESS"
        ordering = ["territory__kind", "territory__name", "-start_year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_year__gte=models.F("start_year")), name="territoires_plan_years_ordered"
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if self.start_year and self.end_year and self.end_year < self.start_year:
            raise ValidationError({"end_year": "Le plan finit avant de commencer : vérifiez les deux années."})


class Axis(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="axes", verbose_name="plan")
    order = models.PositiveSmallIntegerField("ordre", default=1)
    title = models.CharField("axe", max_length=200)
    description = models.TextField("description", blank=True, max_length=3000)

    class Meta:
        verbose_name = "axe"
        verbose_name_plural = "axes"
        ordering = ["plan", "order", "pk"]

    def __str__(self):
        return f"Axe {self.order} — {self.title}"


class Action(models.Model):
    """An action of a plan's axis, with its lead, partners, budget and timeline."""

    class Status(models.TextChoices):
        PLANNED = "a_venir", "À venir"
        IN_PROGRESS = "en_cours", "En cours"
        LATE = "en_retard", "En retard"
        PAUSED = "en_pause", "En pause"
        BLOCKED = "bloque", "Bloquée"
        ABANDONED = "abandonne", "Abandonnée"
        DONE = "termine", "Terminée"

    axis = models.ForeignKey(Axis, on_delete=models.CASCADE, related_name="actions", verbose_name="axe")
    order = models.PositiveSmallIntegerField("ordre", default=1)
    title = models.CharField("action", max_length=250)
    description = models.TextField("description", blank=True, max_length=5000)
    lead = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_plan_actions",
        verbose_name="pilote",
    )
    lead_name = models.CharField("pilote (hors annuaire)", max_length=200, blank=True)
    partners = models.ManyToManyField(
        Organisation, blank=True, related_name="plan_actions", verbose_name="partenaires de l'action"
    )
    budget = models.DecimalField(
        "budget (€)", max_digits=12, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    start_date = models.DateField("début", null=True, blank=True)
    end_date = models.DateField("fin prévue", null=True, blank=True)
    status = models.CharField("état", max_length=12, choices=Status.choices, default=Status.PLANNED, editable=False)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    class Meta:
        verbose_name = "action d'un plan"
        verbose_name_plural = "actions des plans"
        ordering = ["axis", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="territoires_action_dates_ordered",
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "La fin prévue précède le début : vérifiez les deux dates."})

    @property
    def lead_label(self) -> str:
        return self.lead.name if self.lead_id else self.lead_name


class ActionTransition(TransitionLog):
    subject = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="transitions")

    class Meta(TransitionLog.Meta):
        verbose_name = "changement d'état d'une action"
        verbose_name_plural = "changements d'état des actions"


class Indicator(models.Model):
    """A plan's indicator: a target and the values measured over time (typed, or computed by
    a metric of lib.metrics for the plan's territory)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="indicators", verbose_name="plan")
    action = models.ForeignKey(
        Action, on_delete=models.SET_NULL, null=True, blank=True, related_name="indicators", verbose_name="action"
    )
    label = models.CharField("indicateur", max_length=200)
    unit = models.CharField("unité", max_length=30, blank=True)
    baseline = models.DecimalField("valeur de départ", max_digits=14, decimal_places=2, null=True, blank=True)
    target = models.DecimalField("cible", max_digits=14, decimal_places=2)
    target_year = models.PositiveSmallIntegerField(
        "année de la cible", validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    metric = models.CharField("chiffre calculé", max_length=80, blank=True)
    order = models.PositiveSmallIntegerField("ordre", default=1)

    class Meta:
        verbose_name = "indicateur"
        verbose_name_plural = "indicateurs"
        ordering = ["plan", "order", "pk"]

    def __str__(self):
        return self.label


class IndicatorValue(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values", verbose_name="indicateur")
    measured_on = models.DateField("mesurée le")
    value = models.DecimalField("valeur", max_digits=14, decimal_places=2)
    source = models.CharField("source", max_length=200, blank=True)

    class Meta:
        verbose_name = "mesure d'un indicateur"
        verbose_name_plural = "mesures des indicateurs"
        ordering = ["indicator", "measured_on"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "measured_on"], name="territoires_indicator_value_unique"),
        ]

    def __str__(self):
        return f"{self.indicator} : {self.value}"


class Policy(models.Model):
    """A public ESS policy or instrument and the territories it covers."""

    class Level(models.TextChoices):
        EUROPE = "europe", "Union européenne"
        STATE = "etat", "État"
        REGION = "region", "Région"
        DEPARTMENT = "departement", "Département"
        EPCI = "epci", "Intercommunalité"
        COMMUNE = "commune", "Commune"

    class Kind(models.TextChoices):
        STRATEGY = "strategie", "Stratégie régionale"
        SCHEME = "schema", "Schéma ou dispositif"
        PLAN = "plan", "Plan d'action local"
        PTCE = "ptce", "Pôle territorial de coopération économique (PTCE)"
        FUNDING = "financement", "Dispositif de financement"

    title = models.CharField("intitulé", max_length=200)
    slug = models.SlugField("adresse", max_length=200, unique=True)
    level = models.CharField("échelon", max_length=12, choices=Level.choices)
    kind = models.CharField("type", max_length=12, choices=Kind.choices)
    summary = models.CharField("en bref", max_length=400)
    description = models.TextField("description", blank=True, help_text="Texte enrichi, nettoyé à l'enregistrement.")
    carrier = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_policies",
        verbose_name="porteur",
    )
    territories = models.ManyToManyField(
        Territory,
        related_name="policies",
        verbose_name="territoires couverts",
        help_text="Une intercommunalité couvre ses communes ; la région couvre toute l'île.",
    )
    start_year = models.PositiveSmallIntegerField(
        "depuis", null=True, blank=True, validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    end_year = models.PositiveSmallIntegerField(
        "jusqu'à", null=True, blank=True, validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    url = models.URLField("pour en savoir plus", blank=True)
    is_published = models.BooleanField("publiée sur le site", default=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    class Meta:
        verbose_name = "politique publique"
        verbose_name_plural = "politiques publiques"
        ordering = ["level", "title"]

    def __str__(self):
        return self.title

    def clean(self):
        if self.pk and self.kind != Policy.Kind.PTCE and self.members.exists():
            raise ValidationError(
                {"kind": "Seul un PTCE a des membres : retirez d'abord les membres de ce pôle, puis changez son type."}
            )


class PtceMember(models.Model):
    class Kind(models.TextChoices):
        ESS = "ess", "Structure de l'ESS"
        COMPANY = "entreprise", "Entreprise hors ESS"
        AUTHORITY = "collectivite", "Collectivité"
        RESEARCH = "recherche", "Recherche et formation"
        OTHER = "autre", "Autre"

    policy = models.ForeignKey(
        Policy,
        on_delete=models.CASCADE,
        related_name="members",
        limit_choices_to={"kind": Policy.Kind.PTCE},
        verbose_name="PTCE",
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="structure"
    )
    name = models.CharField("nom (hors annuaire)", max_length=200, blank=True)
    kind = models.CharField("type de membre", max_length=12, choices=Kind.choices)

    class Meta:
        verbose_name = "membre d'un PTCE"
        verbose_name_plural = "membres des PTCE"
        ordering = ["policy", "kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(organisation__isnull=False) | ~models.Q(name=""),
                name="territoires_ptce_member_named",
            ),
        ]

    def __str__(self):
        return self.organisation.name if self.organisation_id else self.name

    def clean(self):
        if self.policy_id and self.policy.kind != Policy.Kind.PTCE:
            raise ValidationError(
                "Seul un pôle territorial de coopération économique (PTCE) a des membres : "
                f"« {self.policy} » est de type « {self.policy.get_kind_display()} »."
            )
