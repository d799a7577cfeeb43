"""Admin of partners, conventions (workflow buttons, amendments) and commitments."""

from django.contrib import admin

from lib.admin import LabelledFileInputsMixin, TransitionInline, WorkflowAdminMixin
from partenariats import services
from partenariats.admin_messages import ConventionMessageInline
from partenariats.models import (
    Amendment,
    Commitment,
    CommitmentTransition,
    Convention,
    ConventionTransition,
    Deliverable,
    Partner,
    PartnerContact,
    PartnerFigure,
)
from partenariats.workflows import COMMITMENT_WORKFLOW, CONVENTION_WORKFLOW


class PartnerContactInline(admin.TabularInline):
    model = PartnerContact
    extra = 0


class PartnerFigureInline(admin.TabularInline):
    model = PartnerFigure
    extra = 0


@admin.register(Partner)
class PartnerAdmin(LabelledFileInputsMixin, admin.ModelAdmin):
    list_display = ["__str__", "kind", "is_public", "order"]
    list_filter = ["kind", "is_public"]
    search_fields = ["organisation__name"]
    autocomplete_fields = ["organisation"]
    filter_horizontal = ["territories"]
    list_select_related = ["organisation"]
    inlines = [PartnerContactInline, PartnerFigureInline]


class ConventionTransitionInline(TransitionInline):
    model = ConventionTransition


class AmendmentInline(LabelledFileInputsMixin, admin.StackedInline):
    model = Amendment
    extra = 0


class CommitmentInline(admin.TabularInline):
    model = Commitment
    extra = 0
    fields = ["title", "party", "owner", "due_date", "status"]
    readonly_fields = ["status"]
    show_change_link = True


@admin.register(Convention)
class ConventionAdmin(LabelledFileInputsMixin, WorkflowAdminMixin, admin.ModelAdmin):
    workflow = CONVENTION_WORKFLOW
    list_display = ["reference", "title", "start_date", "end_date", "status"]
    list_filter = ["status"]
    search_fields = ["reference", "title"]
    filter_horizontal = ["parties"]
    readonly_fields = ["status", "termination_reason"]
    inlines = [CommitmentInline, AmendmentInline, ConventionTransitionInline, ConventionMessageInline]

    def perform(self, convention, target, *, by, comment, request):
        services.move_convention(convention, target, by=by, comment=comment)
        return "C'est fait : l'état de la convention est enregistré."


class CommitmentTransitionInline(TransitionInline):
    model = CommitmentTransition


class DeliverableInline(LabelledFileInputsMixin, admin.TabularInline):
    model = Deliverable
    extra = 0
    fields = ["title", "file", "uploaded_by", "by_partner", "uploaded_at"]
    readonly_fields = ["uploaded_by", "by_partner", "uploaded_at"]


@admin.register(Commitment)
class CommitmentAdmin(WorkflowAdminMixin, admin.ModelAdmin):
    workflow = COMMITMENT_WORKFLOW
    list_display = ["title", "convention", "party", "owner", "due_date", "status"]
    list_filter = ["status"]
    search_fields = ["title", "convention__reference"]
    list_select_related = ["convention", "party__organisation", "owner"]
    readonly_fields = ["status"]
    inlines = [DeliverableInline, CommitmentTransitionInline]

    def perform(self, commitment, target, *, by, comment, request):
        services.move_commitment(commitment, target, by=by, comment=comment)
        return "C'est fait : l'état de l'engagement est enregistré."
