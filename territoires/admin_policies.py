"""Admin of public policies and PTCE (with their members)."""

from django.contrib import admin

from territoires.models import Policy, PtceMember


class PtceMemberInline(admin.TabularInline):
    model = PtceMember
    extra = 0


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    list_display = ["title", "level", "kind", "is_published"]
    list_filter = ["level", "kind", "is_published"]
    search_fields = ["title"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["territories"]
    inlines = [PtceMemberInline]
