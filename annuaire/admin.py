from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from annuaire.models import Category, Label, Organisation
from annuaire.services import bump_directory_version, derive_fields, refresh_search_text


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "ess_family", "commune", "is_support_structure", "is_published", "last_verified_at"]
    list_filter = [
        "is_published",
        "ess_family",
        "is_support_structure",
        "is_funder",
        "is_supplier",
        "epci",
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

    def save_model(self, request, obj, form, change):
        derive_fields(obj)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        refresh_search_text(organisation=form.instance)
        bump_directory_version()

    @admin.action(description="Publier dans l'annuaire", permissions=["change"])
    def publish(self, request, queryset):
        count = queryset.update(is_published=True)
        bump_directory_version()
        self.message_user(request, f"{count} structure(s) publiée(s).")

    @admin.action(description="Retirer de l'annuaire", permissions=["change"])
    def unpublish(self, request, queryset):
        count = queryset.update(is_published=False)
        bump_directory_version()
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
