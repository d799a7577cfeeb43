from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from simple_history.admin import SimpleHistoryAdmin

from annuaire.contribution_forms import support_stages_field
from annuaire.contributions import (
    CLAIM_STAFF_TARGETS,
    CLAIM_WORKFLOW,
    CONTRIBUTION_WORKFLOW,
    accept_contribution,
    approve_claim,
    compare,
    recent_email_changes,
    reject_claim,
    reject_contribution,
)
from annuaire.models import (
    Category,
    Claim,
    ClaimTransition,
    Contribution,
    ContributionTransition,
    Label,
    Organisation,
    PartnerMembership,
)
from annuaire.services import save_organisation, set_published
from annuaire.sirene import SireneFileError, import_sirene_csv
from lib.admin import (
    CappedPaginator,
    LabelledFileInputsMixin,
    QuickCheckboxMixin,
    TransitionInline,
    WorkflowAdminMixin,
)
from lib.dates import french_datetime
from lib.forms import submitted
from lib.workflow import TransitionNotAllowed
from referentiels.admin import CommuneListFilter, EpciListFilter


class SireneImportForm(forms.Form):
    file = forms.FileField(
        label="Fichier CSV au format Sirene",
        help_text="Colonnes du fichier stock des établissements (siret, denominationUniteLegale…), "
        "UTF-8, 50 Mo au plus.",
    )
    publish = forms.BooleanField(label="Publier tout de suite les nouvelles structures", required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 50 * 1024 * 1024:
            raise forms.ValidationError("Le fichier dépasse 50 Mo : découpez-le.")
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError("Envoyez un fichier .csv.")
        return upload


# The many-to-many fields of the organisation form, which save_organisation sets.
ORGANISATION_RELATIONS = ("categories", "labels", "territories_covered")


class OrganisationAdminForm(forms.ModelForm):
    support_stages = support_stages_field()

    class Meta:
        model = Organisation
        fields = ["support_stages"]  # the admin adds the fields of its fieldsets


class PartnerMembershipInline(admin.TabularInline):
    """The people who act for the structure; shown to those allowed to see memberships."""

    model = PartnerMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(LabelledFileInputsMixin, QuickCheckboxMixin, SimpleHistoryAdmin):
    form = OrganisationAdminForm
    paginator = CappedPaginator  # 200 000 rows: never count them all on each page
    list_display = ["name", "ess_family", "commune", "is_support_structure", "is_published", "last_verified_at"]
    list_filter = [
        "is_published",
        "ess_family",
        "is_support_structure",
        "is_funder",
        "is_supplier",
        ("epci", EpciListFilter),
        ("commune", CommuneListFilter),
        "categories",
        "labels",
    ]
    search_fields = ["name", "acronym", "siret", "siren", "email"]
    list_select_related = ["commune"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["legal_form", "commune", "naf_activity", "territories_covered"]
    filter_horizontal = ["categories", "labels"]
    readonly_fields = ["ess_family", "sector", "epci", "created_at", "updated_at"]
    show_full_result_count = False
    list_per_page = 50
    actions = ["publish", "unpublish"]
    inlines = [PartnerMembershipInline]
    fieldsets = (
        ("Identité", {"fields": ("name", "acronym", "slug", "siret", "siren", "legal_form", "logo", "description")}),
        (
            "ESS",
            {"fields": ("ess_family", "ess_declared", "esus_agreement", "labels", "creation_year", "headcount_band")},
        ),
        ("Activité", {"fields": ("naf_activity", "sector", "categories")}),
        (
            "Rôles",
            {
                "fields": (
                    "is_ess_actor",
                    "is_support_structure",
                    "support_stages",
                    "is_funder",
                    "is_supplier",
                    "is_institutional_partner",
                    "territories_covered",
                )
            },
        ),
        ("Adresse", {"fields": ("address", "postcode", "commune", "epci", "latitude", "longitude")}),
        ("Contact", {"fields": ("website", "email", "phone")}),
        ("Publication", {"fields": ("is_published", "last_verified_at", "created_at", "updated_at")}),
    )

    change_list_template = "admin/annuaire/organisation_change_list.html"

    def get_urls(self):
        return [
            path("import-sirene/", self.admin_site.admin_view(self.import_view), name="annuaire_organisation_import"),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """Upload a Sirene-shaped CSV; upsert on SIRET and show the report."""
        if not self.has_add_permission(request) or not self.has_change_permission(request):
            raise PermissionDenied
        form = SireneImportForm(**submitted(request))
        report = None
        if request.method == "POST" and form.is_valid():
            try:
                report = import_sirene_csv(file=form.cleaned_data["file"].file, publish=form.cleaned_data["publish"])
            except SireneFileError as error:
                form.add_error("file", str(error))
            else:
                self.message_user(request, report.headline, messages.SUCCESS)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Importer des structures depuis un fichier Sirene",
            "form": form,
            "report": report,
        }
        return TemplateResponse(request, "admin/annuaire/import_sirene.html", context)

    def save_model(self, request, obj, form, change):
        """Saved in save_related, with its relations, by the service every write goes through."""

    def save_related(self, request, form, formsets, change):
        save_organisation(
            organisation=form.instance,
            by=request.user,
            **{name: form.cleaned_data[name] for name in ORGANISATION_RELATIONS if name in form.cleaned_data},
        )
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    @admin.action(description="Publier dans l'annuaire", permissions=["change"])
    def publish(self, request, queryset):
        count = set_published(organisations=queryset, published=True)
        self.message_user(request, f"{count} structure(s) publiée(s).")

    @admin.action(description="Retirer de l'annuaire", permissions=["change"])
    def unpublish(self, request, queryset):
        count = set_published(organisations=queryset, published=False)
        self.message_user(request, f"{count} structure(s) retirée(s) de l'annuaire.")


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Label)
class LabelAdmin(admin.ModelAdmin):
    list_display = ["name", "description"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(PartnerMembership)
class PartnerMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]
    list_select_related = ["user", "organisation"]


class ContributionTransitionInline(TransitionInline):
    model = ContributionTransition


class ClaimTransitionInline(TransitionInline):
    model = ClaimTransition


@admin.register(Contribution)
class ContributionAdmin(LabelledFileInputsMixin, WorkflowAdminMixin, admin.ModelAdmin):
    workflow = CONTRIBUTION_WORKFLOW
    change_form_template = "admin/annuaire/moderation_change_form.html"
    list_display = ["created_at", "kind", "organisation", "contributor_name", "status"]
    list_filter = ["status", "kind"]
    search_fields = ["contributor_name", "contributor_email", "organisation__name", "proposed"]
    list_select_related = ["organisation"]
    readonly_fields = [
        "kind", "organisation", "status", "contributor_name", "contributor_email", "message", "logo",
        "consent_text", "consent_at", "created_at", "created_organisation",
    ]  # fmt: skip
    exclude = ["proposed"]
    inlines = [ContributionTransitionInline]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        extra_context = {**(extra_context or {}), "comparison": compare(obj) if obj else []}
        return super().change_view(request, object_id, form_url, extra_context)

    def perform(self, contribution, target, *, by, comment, request):
        if target == Contribution.Status.ACCEPTED:
            accept_contribution(contribution=contribution, by=by, comment=comment)
        elif target == Contribution.Status.REJECTED:
            reject_contribution(contribution=contribution, by=by, comment=comment)
        else:
            raise TransitionNotAllowed("Transition inconnue.")


@admin.register(Claim)
class ClaimAdmin(WorkflowAdminMixin, admin.ModelAdmin):
    workflow = CLAIM_WORKFLOW
    staff_targets = CLAIM_STAFF_TARGETS
    change_form_template = "admin/annuaire/moderation_change_form.html"
    list_display = ["created_at", "organisation", "name", "email", "status"]
    list_filter = ["status"]
    search_fields = ["name", "email", "organisation__name"]
    list_select_related = ["organisation"]
    readonly_fields = [
        "organisation", "organisation_email_changes", "name", "email", "position", "message", "status",
        "consent_text", "consent_at", "expires_at", "created_at",
    ]  # fmt: skip
    inlines = [ClaimTransitionInline]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    @admin.display(description="changements récents de l'adresse de la structure")
    def organisation_email_changes(self, claim):
        changes = recent_email_changes(claim)
        if not changes:
            return f"Aucun changement depuis {settings.CLAIM_EMAIL_CHANGE_DAYS} jours avant la demande."
        return format_html_join(
            mark_safe("<br>"),
            "{} — {} : « {} » → « {} »",
            (
                (
                    french_datetime(change.changed_at),
                    change.changed_by or "auteur inconnu (import ou script)",
                    "inconnue" if change.old is None else change.old or "aucune",
                    change.new or "aucune",
                )
                for change in changes
            ),
        )

    def perform(self, claim, target, *, by, comment, request):
        if target == Claim.Status.APPROVED:
            if approve_claim(claim=claim, by=by) is None:
                return (
                    "Première validation enregistrée : l'adresse de la structure a changé récemment, "
                    "une autre personne de l'équipe doit valider à son tour pour créer l'accès."
                )
        elif target == Claim.Status.REJECTED:
            reject_claim(claim=claim, by=by, comment=comment)
        else:
            raise TransitionNotAllowed("Transition inconnue.")
