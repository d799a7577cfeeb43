"""The membership badge in the admin: Communication (Action 4) records memberships and
verified ESS statuses, and revokes a badge; Direction reads (cress/access.py)."""

from django.conf import settings
from django.contrib import admin

from appartenance import badges
from appartenance.memberships import MEMBERSHIP_WORKFLOW, change_membership_state
from appartenance.models_badges import BadgeKey, EssVerification, Membership, MembershipTransition
from lib.admin import ReadOnlyAdminMixin, TransitionInline, WorkflowAdminMixin


class RevokeBadgeMixin:
    actions = ["revoke_badges"]

    @admin.action(
        description="Révoquer le badge (les adresses données jusqu'ici afficheront « révoqué »)",
        permissions=["change"],
    )
    def revoke_badges(self, request, queryset):
        organisations = {row.organisation for row in queryset.select_related("organisation")}
        for organisation in organisations:
            badges.revoke_badge(organisation=organisation, by=request.user)
        self.message_user(
            request,
            f"{len(organisations)} badge(s) révoqué(s) : l'effet est complet sous "
            f"{settings.BADGE_MAX_AGE // 60} min (durée de cache).",
        )


class MembershipTransitionInline(TransitionInline):
    model = MembershipTransition
    state_field = "state"


@admin.register(Membership)
class MembershipAdmin(RevokeBadgeMixin, WorkflowAdminMixin, admin.ModelAdmin):
    list_display = ["organisation", "year", "state", "fee_amount", "fee_paid_on"]
    list_filter = ["year", "state"]
    list_select_related = ["organisation"]
    search_fields = ["organisation__name", "organisation__siret"]
    autocomplete_fields = ["organisation"]
    fields = ["organisation", "year", "state", "fee_amount", "fee_paid_on"]
    # A new membership starts « cotisation à régler »; its state then moves by the buttons.
    readonly_fields = ["state"]
    inlines = [MembershipTransitionInline]
    workflow = MEMBERSHIP_WORKFLOW

    def get_inlines(self, request, obj):
        return self.inlines if obj else []

    def perform(self, obj, target, *, by, comment, request):
        change_membership_state(membership=obj, target=target, by=by, comment=comment)
        return f"Adhésion {obj.year} de {obj.organisation} : {obj.get_state_display().lower()}."


@admin.register(EssVerification)
class EssVerificationAdmin(RevokeBadgeMixin, admin.ModelAdmin):
    list_display = ["organisation", "verified_on", "verified_by"]
    list_select_related = ["organisation", "verified_by"]
    search_fields = ["organisation__name", "organisation__siret"]
    autocomplete_fields = ["organisation"]
    fields = ["organisation", "verified_on", "verified_by", "note"]
    readonly_fields = ["verified_by"]

    def save_model(self, request, obj, form, change):
        # Whoever records or changes the verification answers for it.
        obj.verified_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(BadgeKey)
class BadgeKeyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["organisation", "version", "revoked_at", "revoked_by"]
    list_select_related = ["organisation", "revoked_by"]
    search_fields = ["organisation__name"]
    fields = list_display
    readonly_fields = list_display
