"""The skills records in the admin: superusers only, read-only (a person keeps their record
through its private link; the link's hash is never shown). What staff may need: how many
records exist, how active, and deleting one at the person's request."""

from django.contrib import admin
from django.db.models import Count

from emplois.models_skills import SkillsRecord


@admin.register(SkillsRecord)
class SkillsRecordAdmin(admin.ModelAdmin):
    list_display = ["__str__", "email", "experience_count", "created_at", "last_activity_at", "pdf_built_at"]
    search_fields = ["email"]
    date_hierarchy = "created_at"
    fields = [
        "email", "name_on_summary", "consent_text", "consent_at", "created_at", "last_activity_at",
        "pdf_requested_at", "pdf_built_at",
    ]  # fmt: skip
    readonly_fields = fields
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(experience_total=Count("experiences"))

    @admin.display(description="expériences", ordering="experience_total")
    def experience_count(self, record):
        return record.experience_total

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
