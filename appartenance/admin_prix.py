"""The Prix de l'ESS in the admin: Communication (Action 4) sets up a campaign (timetable,
categories, weighted grid, jury), reads the applications, the jurors' conflicts and scores,
the consolidated ranking; records the deliberation and publishes the laureates (services
in appartenance.prix). Applications are written by the organisations only: read-only here."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from appartenance import prix
from appartenance.models_prix import (
    ConflictOfInterest,
    JuryMember,
    PrixApplication,
    PrixApplicationTransition,
    PrixAttachment,
    PrixCampaign,
    PrixCategory,
    PrixCriterion,
    PrixEvaluation,
    PrixScore,
)
from lib.admin import LabelledTabularInline, ReadOnlyAdminMixin, TransitionInline


class CategoryInline(LabelledTabularInline):
    model = PrixCategory
    extra = 0
    fields = ["name", "description", "position"]


class CriterionInline(LabelledTabularInline):
    model = PrixCriterion
    extra = 0
    fields = ["name", "description", "weight", "position"]


class JuryInline(LabelledTabularInline):
    model = JuryMember
    extra = 0
    fields = ["user", "quality"]
    autocomplete_fields = ["user"]


class DeliberationForm(forms.Form):
    minutes = forms.CharField(
        label="Compte rendu de la délibération",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "Écrivez le compte rendu de la délibération."},
    )

    def __init__(self, *args, applications=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.applications = list(applications)
        for application in self.applications:
            self.fields[f"prix_{application.pk}"] = forms.CharField(
                label=f"{application.organisation.name} ({application.category.name})",
                required=False,
                max_length=120,
                initial=application.prize,
                help_text="La distinction (« Lauréat », « Mention spéciale ») ; vide : non retenue.",
            )

    def prizes(self) -> dict[int, str]:
        return {
            application.pk: self.cleaned_data[f"prix_{application.pk}"].strip()
            for application in self.applications
            if self.cleaned_data.get(f"prix_{application.pk}", "").strip()
        }


@admin.register(PrixCampaign)
class PrixCampaignAdmin(admin.ModelAdmin):
    list_display = ["title", "year", "opens_at", "closes_at", "deliberated_at", "published_at"]
    search_fields = ["title"]
    inlines = [CategoryInline, CriterionInline, JuryInline]
    readonly_fields = ["deliberation", "deliberated_at", "deliberated_by", "published_at", "news_url"]
    fieldsets = [
        (None, {"fields": ["year", "title", "intro", "eligibility", "max_applications"]}),
        (
            "Calendrier (heure de La Réunion)",
            {"fields": ["opens_at", "closes_at", "jury_starts_at", "jury_ends_at", "results_at"]},
        ),
        ("Délibération et résultats", {"fields": readonly_fields}),
    ]

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:object_id>/classement/", view(self.ranking_view), name="appartenance_prixcampaign_ranking"),
            path(
                "<int:object_id>/deliberation/",
                view(self.deliberation_view),
                name="appartenance_prixcampaign_deliberation",
            ),
            path("<int:object_id>/publier/", view(self.publish_view), name="appartenance_prixcampaign_publish"),
            *super().get_urls(),
        ]

    def _context(self, request, campaign, title):
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": campaign,
            "title": title,
            "can_change": self.has_change_permission(request, campaign),
        }

    def ranking_view(self, request, object_id):
        campaign = get_object_or_404(PrixCampaign, pk=object_id)
        if not self.has_view_permission(request, campaign):
            raise PermissionDenied
        context = {
            **self._context(request, campaign, f"Classement consolidé — {campaign.title}"),
            "ranking": prix.ranking(campaign),
            "jury": prix.jury_progress(campaign),
            "criteria": list(campaign.criteria.all()),
            "phase": prix.PHASE_LABELS[prix.phase(campaign)],
        }
        return TemplateResponse(request, "admin/appartenance/prix_ranking.html", context)

    def deliberation_view(self, request, object_id):
        campaign = get_object_or_404(PrixCampaign, pk=object_id)
        if not self.has_change_permission(request, campaign):
            raise PermissionDenied
        applications = [row.application for _category, rows in prix.ranking(campaign) for row in rows]
        form = DeliberationForm(
            request.POST if request.method == "POST" else None,
            applications=applications,
            initial={"minutes": campaign.deliberation},
        )
        if request.method == "POST" and form.is_valid():
            try:
                prix.record_deliberation(
                    campaign=campaign, minutes=form.cleaned_data["minutes"], prizes=form.prizes(), by=request.user
                )
            except prix.PrixError as error:
                form.add_error(None, str(error))
            else:
                self.message_user(request, "La délibération est enregistrée.", messages.SUCCESS)
                return redirect(reverse("admin:appartenance_prixcampaign_ranking", args=[campaign.pk]))
        context = {**self._context(request, campaign, f"Délibération — {campaign.title}"), "form": form}
        return TemplateResponse(request, "admin/appartenance/prix_deliberation.html", context)

    def publish_view(self, request, object_id):
        campaign = get_object_or_404(PrixCampaign, pk=object_id)
        if request.method != "POST" or not self.has_change_permission(request, campaign):
            raise PermissionDenied
        try:
            prix.publish_laureates(campaign=campaign, by=request.user)
        except prix.PrixError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(
                request,
                "Les lauréats sont publiés : leur page est en ligne, l'actualité publiée, les candidats prévenus "
                "par courriel.",
                messages.SUCCESS,
            )
        return redirect(reverse("admin:appartenance_prixcampaign_ranking", args=[campaign.pk]))


class AttachmentInline(admin.TabularInline):
    model = PrixAttachment
    extra = 0
    can_delete = False
    fields = ["title", "file_kind", "uploaded_at", "uploaded_by"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class ApplicationTransitionInline(TransitionInline):
    model = PrixApplicationTransition


@admin.register(PrixApplication)
class PrixApplicationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["organisation", "category", "campaign", "status", "submitted_at", "prize"]
    list_filter = ["campaign", "status", "category__name"]
    list_select_related = ["organisation", "category", "campaign"]
    search_fields = ["organisation__name", "project_title"]
    fields = [
        "campaign", "category", "organisation", "status", "project_title", "summary", "impact", "prize",
        "created_by", "created_at", "submitted_at", "submitted_by",
    ]  # fmt: skip
    readonly_fields = fields
    inlines = [AttachmentInline, ApplicationTransitionInline]


@admin.register(JuryMember)
class JuryMemberAdmin(admin.ModelAdmin):
    list_display = ["user", "campaign", "quality", "created_at"]
    list_filter = ["campaign"]
    list_select_related = ["user", "campaign"]
    search_fields = ["user__email", "quality"]
    autocomplete_fields = ["user"]
    fields = ["campaign", "user", "quality"]


@admin.register(ConflictOfInterest)
class ConflictOfInterestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["juror", "organisation", "reason", "declared_at"]
    list_filter = ["juror__campaign"]
    list_select_related = ["juror__user", "juror__campaign", "organisation"]
    search_fields = ["organisation__name", "juror__user__email"]
    fields = list_display
    readonly_fields = list_display


class ScoreInline(admin.TabularInline):
    model = PrixScore
    extra = 0
    can_delete = False
    fields = ["criterion", "points"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PrixEvaluation)
class PrixEvaluationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["application", "juror", "updated_at"]
    list_filter = ["juror__campaign"]
    list_select_related = ["application__organisation", "application__category", "application__campaign",
                           "juror__user", "juror__campaign"]  # fmt: skip
    search_fields = ["application__organisation__name", "juror__user__email"]
    fields = ["application", "juror", "comment", "updated_at"]
    readonly_fields = fields
    inlines = [ScoreInline]
