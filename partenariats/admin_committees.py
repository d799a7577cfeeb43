"""Admin of steering committees: participants, agenda, minutes and decisions."""

from django.contrib import admin

from partenariats.models import Committee, CommitteeParticipant, Decision


class ParticipantInline(admin.TabularInline):
    model = CommitteeParticipant
    extra = 0


class DecisionInline(admin.TabularInline):
    model = Decision
    extra = 0


@admin.register(Committee)
class CommitteeAdmin(admin.ModelAdmin):
    list_display = ["__str__", "convention", "held_at", "minutes_sent_at"]
    list_filter = ["kind"]
    search_fields = ["convention__reference", "convention__title"]
    list_select_related = ["convention"]
    inlines = [ParticipantInline, DecisionInline]
