"""Buyers' needs in the admin: the staff read what the buyer posted (never their private
link), move it through NEED_WORKFLOW with buttons, publish it among the « besoins
inspirants », and follow the funnel and impact on a page of their own."""

from datetime import timedelta

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone

from experimentations import batches, needs, selectors_needs
from experimentations.admin_matches import SupplierMatchInline
from experimentations.models import Need, NeedTransition
from experimentations.workflows import NEED_WORKFLOW
from lib.admin import TransitionInline, WorkflowAdminMixin
from lib.richtext import plain_text_lines


class NeedTransitionInline(TransitionInline):
    model = NeedTransition


class DeadlineFilter(admin.SimpleListFilter):
    title = "date limite de réponse"
    parameter_name = "echeance"

    def lookups(self, request, model_admin):
        return [("passee", "Passée"), ("7j", "Dans les 7 jours"), ("plus", "Dans plus de 7 jours")]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "passee":
            return queryset.filter(answer_deadline__lte=now)
        if self.value() == "7j":
            return queryset.filter(answer_deadline__gt=now, answer_deadline__lte=now + timedelta(days=7))
        if self.value() == "plus":
            return queryset.filter(answer_deadline__gt=now + timedelta(days=7))
        return queryset


class NeedAdminForm(forms.ModelForm):
    class Meta:
        model = Need
        fields = ["is_inspiring", "inspiring_text"]

    def clean(self):
        data = super().clean()
        text = (data.get("inspiring_text") or "").strip()
        for message in needs.inspiring_text_problems(self.instance, text):
            self.add_error("inspiring_text", message)
        if data.get("is_inspiring") and not text:
            self.add_error("inspiring_text", "Écrivez le texte publié (sans nom ni coordonnées).")
        if data.get("is_inspiring") and self.instance.status not in needs.PUBLISHABLE:
            self.add_error("is_inspiring", "Seul un besoin validé, envoyé ou clos peut être publié.")
        return data


BUYER_FIELDS = (
    "reference",
    "status",
    "buyer_kind",
    "buyer_name",
    "buyer_organisation",
    "contact_name",
    "contact_email",
    "contact_phone",
    "user",
)
NEED_FIELDS = (
    "kind",
    "title",
    "description_text",
    "sectors_list",
    "commune",
    "territories_list",
    "budget_min",
    "budget_max",
    "starts_on",
    "ends_on",
    "answer_deadline",
    "clauses",
    "clauses_detail",
    "how_to_answer",
    "wanted_answers",
)
FOLLOW_UP_FIELDS = (
    "refusal_reason",
    "changes_requested",
    "changes_requested_at",
    "consent_text",
    "consent_at",
    "submitted_at",
    "sent_at",
    "survey_sent_at",
    "survey_answered_at",
    "deal_made",
    "deal_amount",
    "deal_comment",
)


@admin.register(Need)
class NeedAdmin(WorkflowAdminMixin, admin.ModelAdmin):
    workflow = NEED_WORKFLOW
    staff_targets = set(needs.STAFF_MOVES)
    form = NeedAdminForm
    change_form_template = "admin/experimentations/need/change_form.html"
    change_list_template = "admin/experimentations/need/change_list.html"
    list_display = ["reference", "title", "buyer_name", "kind", "status", "answer_deadline"]
    list_filter = ["status", "kind", DeadlineFilter]
    search_fields = ["reference", "title", "buyer_name"]
    date_hierarchy = "answer_deadline"
    readonly_fields = [*BUYER_FIELDS, *NEED_FIELDS, *FOLLOW_UP_FIELDS]
    fieldsets = (
        ("L'acheteur", {"fields": BUYER_FIELDS}),
        ("Le besoin", {"fields": NEED_FIELDS}),
        ("Suivi et enquête", {"fields": FOLLOW_UP_FIELDS}),
        ("Besoins inspirants", {"fields": ("is_inspiring", "inspiring_text")}),
    )
    inlines = [SupplierMatchInline, NeedTransitionInline]

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("commune", "buyer_organisation", "user")

    @admin.display(description="description")
    def description_text(self, need):
        return plain_text_lines(need.description)

    @admin.display(description="secteurs")
    def sectors_list(self, need):
        return ", ".join(str(sector) for sector in need.sectors.all())

    @admin.display(description="territoires concernés")
    def territories_list(self, need):
        return ", ".join(territory.name for territory in need.territories.all()) or "—"

    def save_model(self, request, obj, form, change):
        # The only fields staff edit here; the form has checked them (NeedAdminForm).
        needs.set_inspiring(
            need=obj, is_inspiring=form.cleaned_data["is_inspiring"], text=form.cleaned_data["inspiring_text"]
        )

    # Workflow buttons -----------------------------------------------------------------------

    def perform(self, need, target, *, by, comment, request):
        if target == Need.Status.SENT:
            # The first batch to the suppliers staff kept (batches), which moves the need.
            emailed = batches.send_to_suppliers(need=need, by=by)
            return f"C'est fait : le besoin {need.reference} est envoyé ; {emailed} fournisseur(s) écrit(s) maintenant."
        needs.move_need(need=need, target=target, by=by, comment=comment)
        return f"C'est fait : le besoin {need.reference} est « {need.get_status_display()} » ; l'acheteur est prévenu."

    # Funnel and impact ----------------------------------------------------------------------

    def get_urls(self):
        return [
            path("impact/", self.admin_site.admin_view(self.impact_view), name="experimentations_need_impact"),
            *super().get_urls(),
        ]

    def impact_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Achats responsables : entonnoir et impact",
            "funnel": list(selectors_needs.funnel_per_need()),
            "years": selectors_needs.impact_per_year(),
            "surveys": list(selectors_needs.survey_answers()),
        }
        return TemplateResponse(request, "admin/experimentations/need/impact.html", context)
