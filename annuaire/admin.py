from django.contrib import admin

from annuaire.models import Organisation


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "legal_form", "commune", "is_published", "updated_at"]
    list_filter = ["is_published", "legal_form__family", "commune__parent"]
    search_fields = ["name", "siret", "email"]
    list_select_related = ["legal_form", "commune"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["legal_form", "commune"]
