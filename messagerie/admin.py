from django.contrib import admin, messages

from messagerie.models import OutgoingEmail
from messagerie.services import retry_failed_emails


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "to", "subject", "kind", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["to", "subject"]
    date_hierarchy = "created_at"
    actions = ["retry", "resend_uncertain"]
    show_full_result_count = False
    readonly_fields = [f.name for f in OutgoingEmail._meta.fields]

    # The outbox says what was written to whom (its private links are never stored, see
    # messagerie/links.py): superusers only, whatever permission a group was given.
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Nothing is edited here; « change » is the right to send a failed email again.
        return request.user.is_superuser

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj is not None and obj.links:
            # An email that carried a private link: its text is not shown (the link itself
            # was never stored; the text is the person's business).
            fields = [name for name in fields if name not in {"body_text", "body_html"}]
        return fields

    @admin.action(description="Renvoyer les courriels en échec (avec des liens neufs)", permissions=["change"])
    def retry(self, request, queryset):
        count = retry_failed_emails(queryset=queryset)
        self.message_user(request, f"{count} courriel(s) remis en file d'envoi.", messages.SUCCESS)

    @admin.action(
        description="Renvoyer les courriels à l'envoi incertain (ils sont peut-être déjà arrivés)",
        permissions=["change"],
    )
    def resend_uncertain(self, request, queryset):
        count = retry_failed_emails(queryset=queryset, statuses=[OutgoingEmail.Status.UNCERTAIN])
        self.message_user(
            request,
            f"{count} courriel(s) à l'envoi incertain remis en file d'envoi, avec le même identifiant de message : "
            "une messagerie qui a déjà reçu l'original le reconnaîtra.",
            messages.WARNING if count else messages.INFO,
        )
