"""The applications in the admin: read-only for Formation (the employer moves them)."""

from django.contrib import admin

from emplois.models import Application, ApplicationTransition
from lib.admin import TransitionInline


class ApplicationTransitionInline(TransitionInline):
    model = ApplicationTransition


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["reference", "offer", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["reference", "offer__title"]
    list_select_related = ["offer"]
    fields = ["reference", "offer", "name", "email", "phone", "message", "status", "status_changed_at", "created_at"]
    readonly_fields = fields
    inlines = [ApplicationTransitionInline]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
