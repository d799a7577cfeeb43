"""Suggestions on an intake request in the admin: the inline that lists them, and the page
where Accueil staff search the registered sources (lib.references) serving the request's
needs, attach what fits, and record each suggestion's outcome."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from accueil import references as suggestions
from accueil.models import IntakeRequest, RequestReference
from lib import references


class RequestReferenceInline(admin.TabularInline):
    model = RequestReference
    extra = 0
    can_delete = False
    fields = ["title", "source_label", "outcome", "added_by", "created_at"]
    readonly_fields = fields
    verbose_name_plural = "Suggestions faites au porteur (outils financiers…)"

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="source")
    def source_label(self, suggestion):
        source = references.get_source(suggestion.source)
        return source.label if source else suggestion.source


class SuggestionsAdminMixin:
    """Adds the « Suggérer » page to the intake request's admin."""

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:object_id>/suggestions/", view(self.suggestions_view), name="accueil_intakerequest_suggest"),
            *super().get_urls(),
        ]

    def suggestions_view(self, request, object_id):
        intake = get_object_or_404(IntakeRequest, pk=object_id)
        if not self.has_view_permission(request, intake):
            raise PermissionDenied
        here = reverse("admin:accueil_intakerequest_suggest", args=[intake.pk])
        if request.method == "POST":
            if not self.has_change_permission(request, intake):
                raise PermissionDenied
            self._post_suggestion(request, intake)
            return redirect(f"{here}?{request.GET.urlencode()}" if request.GET else here)
        available = suggestions.sources_for_request(intake)
        chosen = request.GET.get("source", "")
        source = next((s for s in available if s.name == chosen), available[0] if available else None)
        text = request.GET.get("q", "")[:200]
        results = references.search_references(source.name, text) if source and text.strip() else []
        attached = {(row.source, row.key) for row in intake.references.all()}
        return TemplateResponse(
            request,
            "admin/accueil/intakerequest/suggestions.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": f"Suggestions pour la demande {intake.reference}",
                "intake": intake,
                "sources": available,
                "source": source,
                "q": text,
                "results": [(result, (result.source, result.key) in attached) for result in results],
                "suggestions": suggestions.request_suggestions(intake),
                "can_change": self.has_change_permission(request, intake),
            },
        )

    def _post_suggestion(self, request, intake):
        try:
            if request.POST.get("action") == "ajouter":
                added = suggestions.attach_reference(
                    intake=intake,
                    source=request.POST.get("source", ""),
                    key=request.POST.get("key", ""),
                    by=request.user,
                )
                self.message_user(request, f"« {added.title} » est suggéré au porteur.", messages.SUCCESS)
            elif request.POST.get("action") == "suite":
                pk = request.POST.get("suggestion", "")
                suggestion = intake.references.filter(pk=int(pk) if pk.isdigit() else 0).first()
                if suggestion is None:
                    raise suggestions.ReferenceError("Cette suggestion n'existe pas sur cette demande.")
                target = request.POST.get("outcome", "")
                suggestions.change_outcome(suggestion=suggestion, target=target, by=request.user)
                self.message_user(
                    request,
                    f"Suite enregistrée : « {suggestion.title} » — {suggestion.get_outcome_display()}.",
                    messages.SUCCESS,
                )
            else:
                raise suggestions.ReferenceError("Action inconnue.")
        except suggestions.ReferenceError as error:
            self.message_user(request, str(error), messages.ERROR)

    @admin.display(description="suggestions")
    def suggestions_link(self, intake):
        if not intake.pk:
            return "—"
        return format_html(
            '<a href="{}">Suggérer des outils et noter leur suite…</a>',
            reverse("admin:accueil_intakerequest_suggest", args=[intake.pk]),
        )
