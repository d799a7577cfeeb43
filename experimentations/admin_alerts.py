"""The alerts in the admin: a read-only list for Partenariats (email, search, state, how
many deliveries). People subscribe and unsubscribe themselves; the link's hash is never shown."""

from django.contrib import admin
from django.db.models import Count

from experimentations import alerts
from experimentations.models import AlertDelivery, ToolAlert


class AlertStateFilter(admin.SimpleListFilter):
    title = "état"
    parameter_name = "etat"

    def lookups(self, request, model_admin):
        return [("attente", "En attente de confirmation"), ("confirmee", "Confirmée"), ("desinscrite", "Désinscrite")]

    def queryset(self, request, queryset):
        if self.value() == "attente":
            return queryset.filter(confirmed_at__isnull=True, unsubscribed_at__isnull=True)
        if self.value() == "confirmee":
            return queryset.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True)
        if self.value() == "desinscrite":
            return queryset.filter(unsubscribed_at__isnull=False)
        return queryset


class AlertDeliveryInline(admin.TabularInline):
    model = AlertDelivery
    fields = ["tool", "kind", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("tool")


@admin.register(ToolAlert)
class ToolAlertAdmin(admin.ModelAdmin):
    list_display = ["email", "label", "state", "frequency", "tool", "deliveries_count", "created_at"]
    list_filter = [AlertStateFilter, "frequency"]
    search_fields = ["email", "label"]
    list_select_related = ["tool"]
    # Never token_hash.
    fields = [
        "email", "label", "query", "tool", "frequency", "consent_text", "consent_at", "confirmed_at",
        "unsubscribed_at", "watermark", "last_sent_at", "created_at",
    ]  # fmt: skip
    readonly_fields = fields
    inlines = [AlertDeliveryInline]
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(deliveries_total=Count("deliveries"))

    @admin.display(description="état")
    def state(self, obj):
        return alerts.state_label(obj)

    @admin.display(description="envois", ordering="deliveries_total")
    def deliveries_count(self, obj):
        return obj.deliveries_total

    def has_add_permission(self, request):
        return False  # people subscribe themselves (double opt-in)

    def has_change_permission(self, request, obj=None):
        return False
