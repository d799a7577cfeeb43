"""The offers in the admin: the moderation list (state, « copie détectée », contract), the
change page with the workflow buttons (OFFER_WORKFLOW through emplois.offers.move_offer), the
refusal reason and the log, and the job board's dashboard (emplois.dashboard) with its CSV.
Formation moderates."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path

from emplois import dashboard
from emplois import offers as services
from emplois.models import Offer, OfferTransition
from emplois.workflows import OFFER_WORKFLOW
from lib.admin import TransitionInline, WorkflowAdminMixin
from lib.periods import Period, read_period
from lib.spreadsheet import csv_response


class OfferTransitionInline(TransitionInline):
    model = OfferTransition

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")


class CopyDetectedFilter(admin.SimpleListFilter):
    """Offers whose text is the same as another organisation's offer in review or published."""

    title = "copie détectée"
    parameter_name = "copie"

    def lookups(self, request, model_admin):
        return [("oui", "Copie détectée"), ("non", "Texte original")]

    def queryset(self, request, queryset):
        if self.value() == "oui":
            return queryset.filter(copy_of__isnull=False)
        if self.value() == "non":
            return queryset.filter(copy_of__isnull=True)
        return queryset


@admin.register(Offer)
class OfferAdmin(WorkflowAdminMixin, admin.ModelAdmin):
    workflow = OFFER_WORKFLOW
    change_form_template = "admin/emplois/offer/change_form.html"
    change_list_template = "admin/emplois/offer/change_list.html"
    list_display = ["title", "organisation", "contract", "commune", "closes_on", "status", "copy_detected"]
    list_filter = ["status", CopyDetectedFilter, "contract", "kind"]
    search_fields = ["title", "organisation__name"]
    list_select_related = ["organisation", "commune"]
    autocomplete_fields = ["organisation", "rome"]
    readonly_fields = ["status", "published_at", "copy_of", "created_by", "refusal_reason"]
    inlines = [OfferTransitionInline]
    show_full_result_count = False

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("tableau-de-bord/", view(self.dashboard_view), name="emplois_offer_dashboard"),
            path("tableau-de-bord.csv", view(self.dashboard_csv_view), name="emplois_offer_dashboard_csv"),
            *super().get_urls(),
        ]

    def _dashboard(self, request):
        """The period asked (the last twelve months by default) and its figures."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        form, period = read_period(request.GET, default=Period.last_year())
        return form, period, dashboard.dashboard(period)

    def dashboard_view(self, request):
        form, period, data = self._dashboard(request)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Tableau de bord des offres",
            "form": form,
            "period": period,
            "data": data,
            "top_offers": dashboard.TOP_OFFERS,
        }
        return TemplateResponse(request, "admin/emplois/offer/dashboard.html", context)

    def dashboard_csv_view(self, request):
        _form, period, data = self._dashboard(request)
        return csv_response("tableau-de-bord-emplois.csv", dashboard.csv_rows(data, period))

    @admin.display(description="copie détectée", boolean=True, ordering="copy_of")
    def copy_detected(self, obj):
        return obj.copy_of_id is not None

    def save_model(self, request, obj, form, change):
        # The same cleaning (sanitised text, fingerprint, copy) as the employer's space.
        services.save_offer_as_staff(offer=obj, by=request.user)

    def perform(self, offer, target, *, by, comment, request):
        services.move_offer(offer=offer, target=target, by=by, comment=comment, as_staff=True)
        if target in (Offer.Status.PUBLISHED, Offer.Status.REFUSED):
            return (
                f"C'est fait : l'offre est « {offer.get_status_display()} » ; la structure est prévenue par courriel."
            )
        return f"C'est fait : l'offre est « {offer.get_status_display()} »."
