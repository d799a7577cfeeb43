"""Admin of public policies and PTCE. Only a PTCE has members: their inline shows on a PTCE's
page, and a member of another kind of policy is refused (PtceMember.clean). The description
is made safe by territoires.services.save_policy."""

from django import forms
from django.contrib import admin

from lib.admin import LabelledTabularInline
from lib.forms import RichTextWidget
from territoires import services
from territoires.models import Policy, PtceMember


class PtceMemberInline(LabelledTabularInline):
    model = PtceMember
    extra = 0
    fields = ["kind", "organisation", "name"]
    autocomplete_fields = ["organisation"]
    verbose_name_plural = "Membres du PTCE (une structure de l'annuaire, ou un nom)"


class PolicyForm(forms.ModelForm):
    class Meta:
        model = Policy
        fields = [
            "title", "slug", "level", "kind", "summary", "description", "carrier", "territories", "start_year",
            "end_year", "url", "is_published",
        ]  # fmt: skip
        widgets = {"description": RichTextWidget(attrs={"aria-label": "Description de la politique"})}
        help_texts = {"kind": "Les membres d'un PTCE se saisissent sur sa page, une fois le PTCE enregistré."}


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    form = PolicyForm
    list_display = ["title", "level", "kind", "start_year", "end_year", "is_published"]
    list_filter = ["level", "kind", "is_published"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["carrier"]
    filter_horizontal = ["territories"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "level", "kind", "summary", "description", "carrier"]}),
        ("Territoires et période", {"fields": ["territories", "start_year", "end_year", "url", "is_published"]}),
    ]

    def get_inlines(self, request, obj):
        return [PtceMemberInline] if obj is not None and obj.kind == Policy.Kind.PTCE else []

    def save_model(self, request, obj, form, change):
        services.save_policy(obj)
