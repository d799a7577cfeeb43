"""The offers in the admin: the moderation list and the change page with the workflow
buttons (OFFER_WORKFLOW) and the log."""

from django.contrib import admin
from django.utils import timezone

from emplois.models import Offer, OfferTransition
from emplois.workflows import OFFER_WORKFLOW
from lib.admin import TransitionInline, WorkflowAdminMixin


class OfferTransitionInline(TransitionInline):
    model = OfferTransition

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")


@admin.register(Offer)
class OfferAdmin(WorkflowAdminMixin, admin.ModelAdmin):
    workflow = OFFER_WORKFLOW
    list_display = ["title", "organisation", "contract", "commune", "closes_on", "status"]
    list_filter = ["status", "kind", "contract"]
    search_fields = ["title", "organisation__name"]
    list_select_related = ["organisation", "commune"]
    autocomplete_fields = ["organisation", "rome"]
    readonly_fields = ["status", "published_at", "copy_of", "created_by"]
    inlines = [OfferTransitionInline]
    show_full_result_count = False

    def perform(self, offer, target, *, by, comment, request):
        changes = {"refusal_reason": comment} if target == Offer.Status.REFUSED else {}
        if target == Offer.Status.PUBLISHED:
            changes["published_at"] = timezone.now()
        OFFER_WORKFLOW.apply(offer, target, log_model=OfferTransition, by=by, comment=comment, changes=changes)
        return f"C'est fait : « {offer.title} » est « {offer.get_status_display()} »."
