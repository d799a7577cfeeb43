"""The job alerts in the admin: read-only (people subscribe and unsubscribe themselves; the
link's hash is never shown)."""

from django.contrib import admin

from emplois.alerts import SUBSCRIPTIONS
from emplois.models import JobAlert, JobAlertDelivery


@admin.register(JobAlert)
class JobAlertAdmin(admin.ModelAdmin):
    list_display = ["email", "label", "frequency", "state", "last_sent_at", "created_at"]
    list_filter = ["frequency"]
    search_fields = ["email", "label"]
    # Never token_hash.
    fields = [
        "email", "label", "query", "frequency", "consent_text", "consent_at", "confirmed_at", "unsubscribed_at",
        "watermark", "last_sent_at", "created_at",
    ]  # fmt: skip
    readonly_fields = fields
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="état")
    def state(self, obj):
        return SUBSCRIPTIONS.state_label(obj)


@admin.register(JobAlertDelivery)
class JobAlertDeliveryAdmin(admin.ModelAdmin):
    list_display = ["alert", "offer", "created_at"]
    list_select_related = ["alert", "offer"]
    fields = ["alert", "offer", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
