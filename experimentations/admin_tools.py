"""The staff's workplace for the financial tools and calls for projects: the list with its
filters, the change page with the workflow buttons (TOOL_WORKFLOW) and the log."""

from datetime import timedelta

from django import forms
from django.contrib import admin
from django.utils import timezone

from experimentations import services_tools
from experimentations.models import FinancialTool, FinancialToolTransition, Purpose
from experimentations.selectors_tools import call_state, closing_soon_days
from experimentations.workflows import TOOL_WORKFLOW
from lib.admin import TransitionInline, WorkflowAdminMixin
from lib.dates import french_short_date
from referentiels.models import EssFamily, ProjectStage


class FinancialToolForm(forms.ModelForm):
    stages = forms.MultipleChoiceField(
        label="Stades de projet", required=False, choices=ProjectStage.choices, widget=forms.CheckboxSelectMultiple,
        help_text="Aucun coché : tous.",
    )  # fmt: skip
    families = forms.MultipleChoiceField(
        label="Familles de l'ESS éligibles", required=False, choices=EssFamily.choices,
        widget=forms.CheckboxSelectMultiple, help_text="Aucune cochée : toutes.",
    )  # fmt: skip
    purposes = forms.MultipleChoiceField(
        label="Pour quoi faire", required=False, choices=Purpose.choices, widget=forms.CheckboxSelectMultiple,
        help_text="Aucun coché : tout usage.",
    )  # fmt: skip

    class Meta:
        model = FinancialTool
        fields = [
            "name", "slug", "provider", "instrument", "summary", "description", "is_call", "recurrence", "opens_on",
            "closes_at", "budget_exhausted", "stages", "families", "legal_forms", "sectors", "territories",
            "purposes", "amount_min", "amount_max", "conditions", "how_to_apply", "apply_url",
        ]  # fmt: skip

    def clean(self):
        data = super().clean()
        problems = services_tools.tool_problems(
            is_call=data.get("is_call"),
            closes_at=data.get("closes_at"),
            amount_min=data.get("amount_min"),
            amount_max=data.get("amount_max"),
            opens_on=data.get("opens_on"),
        )
        for field, message in problems.items():
            if field not in self.errors:
                self.add_error(field, message)
        return data


class FinancialToolTransitionInline(TransitionInline):
    model = FinancialToolTransition

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")


class DeadlineFilter(admin.SimpleListFilter):
    title = "clôture"
    parameter_name = "cloture"

    def lookups(self, request, model_admin):
        return [
            ("ouvert", "Appel ouvert"),
            ("proche", f"Clôture dans {closing_soon_days()} jours ou moins"),
            ("clos", "Appel clos"),
            ("sans", "Sans date de clôture"),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        soon = now + timedelta(days=closing_soon_days())
        return {
            "ouvert": lambda: queryset.filter(closes_at__gt=now),
            "proche": lambda: queryset.filter(closes_at__gt=now, closes_at__lte=soon),
            "clos": lambda: queryset.filter(closes_at__lte=now),
            "sans": lambda: queryset.filter(closes_at__isnull=True),
        }.get(self.value(), lambda: queryset)()


@admin.register(FinancialTool)
class FinancialToolAdmin(WorkflowAdminMixin, admin.ModelAdmin):
    workflow = TOOL_WORKFLOW
    form = FinancialToolForm
    change_form_template = "admin/experimentations/financialtool/change_form.html"
    list_display = ["name", "provider", "instrument", "is_call", "deadline", "budget_exhausted", "status"]
    list_filter = ["status", "instrument", "is_call", DeadlineFilter, "budget_exhausted"]
    search_fields = ["name", "summary", "provider__name", "provider__acronym"]
    list_select_related = ["provider"]
    autocomplete_fields = ["provider"]
    filter_horizontal = ["legal_forms", "sectors", "territories"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["status", "published_at"]
    inlines = [FinancialToolTransitionInline]
    fieldsets = (
        (None, {"fields": ("name", "slug", "provider", "instrument", "summary", "description")}),
        ("Appel à projets et calendrier",
         {"fields": ("is_call", "recurrence", "opens_on", "closes_at", "budget_exhausted")}),
        ("Qui peut en bénéficier",
         {"fields": ("stages", "families", "legal_forms", "sectors", "territories", "purposes")}),
        ("Montants et candidature",
         {"fields": ("amount_min", "amount_max", "conditions", "how_to_apply", "apply_url")}),
        ("Publication", {"fields": ("status", "published_at")}),
    )  # fmt: skip

    @admin.display(description="clôture", ordering="closes_at")
    def deadline(self, tool):
        if tool.closes_at is None:
            return "—"
        state = call_state(tool)
        return f"{french_short_date(tool.closes_at)} ({state.label.lower()})"

    def save_model(self, request, obj, form, change):
        # Through the service: rich text made safe, the rules checked (the m2m follow in save_related).
        services_tools.save_tool(tool=obj)

    def perform(self, tool, target, *, by, comment, request):
        services_tools.move_tool(tool, target, by=by, comment=comment)
        return f"C'est fait : « {tool.name} » est « {tool.get_status_display()} »."
