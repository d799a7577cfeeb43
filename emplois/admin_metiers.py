"""Les métiers de l'ESS in the admin: Formation keeps the families of métiers up to date
(loaded from emplois/data/metiers_ess.csv by migration); they are never deleted, only
unpublished."""

from django.contrib import admin

from emplois.metiers import MetierFamily


@admin.register(MetierFamily)
class MetierFamilyAdmin(admin.ModelAdmin):
    # The order is edited on each family's page: an editable column has no label of its own.
    list_display = ["name", "rome_codes", "is_published"]
    ordering = ["order", "name"]
    list_filter = ["is_published"]
    search_fields = ["name", "summary", "rome_fiches__code"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["rome_fiches"]
    fieldsets = (
        (None, {"fields": ("name", "slug", "order", "is_published", "summary", "work")}),
        ("Codes", {"fields": ("rome_fiches", "naf_divisions", "source")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("rome_fiches")

    @admin.display(description="codes ROME")
    def rome_codes(self, obj):
        return ", ".join(fiche.code for fiche in obj.rome_fiches.all())

    def has_delete_permission(self, request, obj=None):
        return False  # unpublished, never deleted: the page's address may be linked from elsewhere
