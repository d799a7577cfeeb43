from django.contrib import admin

from referentiels.models import (
    LegalForm,
    NafActivity,
    NafDivision,
    NafSection,
    RomeDomain,
    RomeFiche,
    Territory,
    TerritoryKind,
)
from referentiels.selectors import search_naf_activities


class TerritoryListFilter(admin.RelatedFieldListFilter):
    """A list filter on a territory that offers the territories of one level only, each
    once: a plain relation filter lists every territory, so that « Saint-Denis » appears as
    a commune and as an arrondissement."""

    kind = None
    label = None

    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        self.title = self.label or self.title
        self.empty_value_display = "Non renseignée"

    def field_choices(self, field, request, model_admin):
        territories = Territory.objects.filter(kind=self.kind).order_by("name")
        return [(territory.pk, territory.short_name or territory.name) for territory in territories]


class EpciListFilter(TerritoryListFilter):
    kind = TerritoryKind.EPCI
    label = "intercommunalité"


class CommuneListFilter(TerritoryListFilter):
    kind = TerritoryKind.COMMUNE
    label = "commune"


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


@admin.register(RomeDomain)
class RomeDomainAdmin(admin.ModelAdmin):
    list_display = ["code", "label"]
    search_fields = ["code", "label"]


@admin.register(RomeFiche)
class RomeFicheAdmin(admin.ModelAdmin):
    """France Travail's ROME, loaded from referentiels/data (read by the job offers' métier)."""

    list_display = ["code", "label", "domain"]
    list_filter = ["domain"]
    search_fields = ["code", "label"]
    list_select_related = ["domain"]


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

    def get_search_results(self, request, queryset, search_term):
        """The list's search and the type-ahead of every NAF activity field (the directory's
        organisations): by the words of the label, accents ignored, or by the code as people
        type it, « 88.99 », « 8899 » or « 88.99B »."""
        return search_naf_activities(search_term, queryset), False
