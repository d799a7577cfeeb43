from django.contrib import admin

from referentiels.models import LegalForm, NafActivity, NafDivision, NafSection, Territory


@admin.register(Territory)
class TerritoryAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "code", "short_name", "parent", "arrondissement", "population"]
    list_filter = ["kind", "parent"]
    search_fields = ["name", "code", "short_name"]
    list_select_related = ["parent", "arrondissement"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent", "arrondissement"]


@admin.register(LegalForm)
class LegalFormAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "family"]
    list_filter = ["family"]
    search_fields = ["code", "label"]


@admin.register(NafSection)
class NafSectionAdmin(admin.ModelAdmin):
    list_display = ["code", "label"]
    search_fields = ["code", "label"]


@admin.register(NafDivision)
class NafDivisionAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "section"]
    list_filter = ["section"]
    search_fields = ["code", "label"]
    list_select_related = ["section"]


@admin.register(NafActivity)
class NafActivityAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "division"]
    list_filter = ["division__section"]
    search_fields = ["code", "label"]
    list_select_related = ["division"]
