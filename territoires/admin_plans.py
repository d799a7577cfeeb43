"""Admin of territorial plans: axes, actions (workflow buttons), indicators and values."""

from django.contrib import admin

from lib.admin import TransitionInline, WorkflowAdminMixin
from territoires import services
from territoires.models import Action, ActionTransition, Axis, Indicator, IndicatorValue, Plan
from territoires.workflows import ACTION_WORKFLOW


class AxisInline(admin.TabularInline):
    model = Axis
    extra = 0
    show_change_link = True


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0
    show_change_link = True
    fields = ["label", "unit", "baseline", "target", "target_year", "metric", "order"]


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["title", "territory", "start_year", "end_year", "is_published"]
    list_filter = ["is_published", "territory__kind"]
    search_fields = ["title", "territory__name"]
    prepopulated_fields = {"slug": ["title"]}
    list_select_related = ["territory"]
    filter_horizontal = ["partners"]
    inlines = [AxisInline, IndicatorInline]


class ActionInline(admin.TabularInline):
    model = Action
    extra = 0
    fields = ["order", "title", "lead", "start_date", "end_date", "status"]
    readonly_fields = ["status"]
    show_change_link = True


@admin.register(Axis)
class AxisAdmin(admin.ModelAdmin):
    list_display = ["__str__", "plan"]
    list_select_related = ["plan"]
    inlines = [ActionInline]


class ActionTransitionInline(TransitionInline):
    model = ActionTransition


@admin.register(Action)
class ActionAdmin(WorkflowAdminMixin, admin.ModelAdmin):
    workflow = ACTION_WORKFLOW
    list_display = ["title", "axis", "lead", "start_date", "end_date", "status"]
    list_filter = ["status"]
    search_fields = ["title"]
    list_select_related = ["axis__plan", "lead"]
    filter_horizontal = ["partners"]
    readonly_fields = ["status"]
    inlines = [ActionTransitionInline]

    def perform(self, action, target, *, by, comment, request):
        services.move_action(action, target, by=by, comment=comment)
        return "C'est fait : l'état de l'action est enregistré."


class IndicatorValueInline(admin.TabularInline):
    model = IndicatorValue
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["label", "plan", "target", "target_year"]
    list_select_related = ["plan"]
    search_fields = ["label", "plan__title"]
    inlines = [IndicatorValueInline]
