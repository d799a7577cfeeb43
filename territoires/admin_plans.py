"""Admin of territorial plans: the plan with its axes and indicators, each axis with its
actions, each action with its workflow buttons, each indicator with its measured values and
the « Relever la valeur » action (a metric of lib.metrics computed for the plan's territory).

Writes go through territoires.services: the diagnostic is made safe there, not in save().
"""

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import Count, Max
from django.utils import timezone

from comptes.models import User
from lib import metrics
from lib.admin import LabelledTabularInline, TransitionInline, WorkflowAdminMixin
from lib.dates import french_date
from lib.forms import RichTextWidget
from territoires import services
from territoires.charts import french_number
from territoires.models import Action, ActionTransition, Axis, Indicator, IndicatorValue, Plan
from territoires.workflows import ACTION_WORKFLOW

NO_METRIC = ("", "— Aucun : valeurs saisies à la main —")


class IndicatorForm(forms.ModelForm):
    """The metric is chosen among the figures other actions count per territory."""

    metric = forms.ChoiceField(
        label="chiffre calculé",
        required=False,
        help_text="Un chiffre tenu par une autre action du portail, calculé pour le territoire du plan par "
        "l'action « Relever la valeur ». Laissez vide pour saisir les valeurs à la main.",
    )

    class Meta:
        model = Indicator
        fields = ["label", "unit", "action", "baseline", "target", "target_year", "metric", "order"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [NO_METRIC, *metrics.choices(metrics.Scope.TERRITORY)]
        current = self.instance.metric if self.instance else ""
        if current and current not in dict(choices):
            choices.append((current, f"{current} (chiffre indisponible)"))
        self.fields["metric"].choices = choices


class AxisInline(LabelledTabularInline):
    model = Axis
    extra = 0
    fields = ["order", "title", "description", "action_summary"]
    readonly_fields = ["action_summary"]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 50})}}
    show_change_link = True
    verbose_name_plural = "Axes (ouvrez un axe pour modifier ses actions)"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(action_count=Count("actions"))

    @admin.display(description="actions")
    def action_summary(self, axis):
        count = getattr(axis, "action_count", 0)
        return f"{count} action{'s' if count > 1 else ''}" if count else "Aucune action"


class IndicatorInline(LabelledTabularInline):
    model = Indicator
    form = IndicatorForm
    extra = 0
    show_change_link = True
    fields = ["label", "unit", "baseline", "target", "target_year", "metric", "order"]
    verbose_name_plural = "Indicateurs (ouvrez un indicateur pour saisir ses valeurs)"


class PlanForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = [
            "title", "slug", "territory", "summary", "diagnostic", "start_year", "end_year", "adopted_on",
            "is_published", "owner", "partners",
        ]  # fmt: skip
        widgets = {"diagnostic": RichTextWidget(attrs={"aria-label": "Diagnostic du territoire"})}


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    form = PlanForm
    list_display = ["title", "territory", "start_year", "end_year", "adoption", "is_published"]
    list_filter = ["is_published", "territory__kind"]
    search_fields = ["title", "territory__name"]
    prepopulated_fields = {"slug": ["title"]}
    list_select_related = ["territory"]
    autocomplete_fields = ["partners"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "territory", "summary", "diagnostic"]}),
        ("Calendrier et publication", {"fields": ["start_year", "end_year", "adopted_on", "is_published", "owner"]}),
        ("Partenaires", {"fields": ["partners"]}),
    ]
    inlines = [AxisInline, IndicatorInline]

    @admin.display(description="adoption", ordering="adopted_on")
    def adoption(self, plan):
        return french_date(plan.adopted_on) if plan.adopted_on else "En préparation"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "owner":
            kwargs["queryset"] = User.objects.filter(is_staff=True, is_active=True).order_by("email")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        services.save_plan(obj)


class ActionInline(LabelledTabularInline):
    model = Action
    extra = 0
    fields = ["order", "title", "lead", "budget", "start_date", "end_date", "status"]
    readonly_fields = ["status"]
    autocomplete_fields = ["lead"]
    show_change_link = True
    verbose_name_plural = "Actions (ouvrez une action pour ses partenaires, sa description et son état)"


@admin.register(Axis)
class AxisAdmin(admin.ModelAdmin):
    list_display = ["__str__", "plan"]
    list_filter = ["plan"]
    search_fields = ["title", "plan__title"]
    list_select_related = ["plan"]
    inlines = [ActionInline]


class ActionTransitionInline(TransitionInline):
    model = ActionTransition


@admin.register(Action)
class ActionAdmin(WorkflowAdminMixin, admin.ModelAdmin):
    workflow = ACTION_WORKFLOW
    list_display = ["title", "axis", "lead", "start_date", "end_date", "status"]
    list_filter = ["status", "axis__plan"]
    search_fields = ["title", "axis__title", "axis__plan__title"]
    list_select_related = ["axis__plan", "lead"]
    autocomplete_fields = ["lead", "partners"]
    fields = [
        "axis", "order", "title", "description", "lead", "lead_name", "partners", "budget", "start_date", "end_date",
        "status",
    ]  # fmt: skip
    readonly_fields = ["status"]
    inlines = [ActionTransitionInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "axis":
            kwargs["queryset"] = Axis.objects.select_related("plan").order_by("plan__title", "order")
            field = super().formfield_for_foreignkey(db_field, request, **kwargs)
            field.label_from_instance = lambda axis: f"{axis.plan.title} — axe {axis.order} : {axis.title}"
            return field
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def perform(self, action, target, *, by, comment, request):
        services.move_action(action, target, by=by, comment=comment)
        return "C'est fait : l'état de l'action est enregistré."


class IndicatorValueInline(LabelledTabularInline):
    model = IndicatorValue
    extra = 0
    fields = ["measured_on", "value", "source"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    form = IndicatorForm
    list_display = ["label", "plan", "target", "target_year", "metric_label", "last_measured_on"]
    list_filter = ["plan"]
    list_select_related = ["plan"]
    search_fields = ["label", "plan__title"]
    fields = ["plan", "label", "unit", "action", "baseline", "target", "target_year", "metric", "order"]
    inlines = [IndicatorValueInline]
    actions = ["record_values"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(last_on=Max("values__measured_on"))

    @admin.display(description="chiffre calculé")
    def metric_label(self, indicator):
        if not indicator.metric:
            return "—"
        metric = metrics.get(indicator.metric)
        return metric.label if metric else f"{indicator.metric} (indisponible)"

    @admin.display(description="dernière mesure", ordering="last_on")
    def last_measured_on(self, indicator):
        return french_date(indicator.last_on) if indicator.last_on else "—"

    @admin.action(description="Relever la valeur du jour (chiffre calculé)", permissions=["change"])
    def record_values(self, request, queryset):
        today = timezone.localdate()
        recorded, refused = [], []
        for indicator in queryset.select_related("plan__territory"):
            try:
                value = services.record_indicator_value(indicator, on=today)
            except services.NothingToMeasure as error:
                refused.append(str(error))
            else:
                recorded.append(f"« {indicator.label} » : {french_number(value.value)}")
        if recorded:
            self.message_user(
                request,
                f"Valeur relevée le {french_date(today)} pour {len(recorded)} indicateur"
                f"{'s' if len(recorded) > 1 else ''} — " + " ; ".join(recorded) + ".",
                messages.SUCCESS,
            )
        for message in refused:
            self.message_user(request, message, messages.WARNING)
