"""The staff's side of the matching: the suppliers proposed for a need, adjusted before sending.

- `SupplierMatchInline` (for the need's admin page): rank and « retenu » editable, the
  reasons and the funnel read-only.
- `SupplierMatchAdmin`: every supplier proposed, with its funnel, and one page per need
  (`experimentations_suppliermatch_need`) to run the matching, add a supplier from the
  directory, adjust ranks and inclusion, and « Envoyer aux fournisseurs ».
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.forms import modelformset_factory
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from experimentations import batches, matching
from experimentations.forms_suppliers import AddSupplierForm
from experimentations.models import Need, SupplierMatch
from lib.admin import LabelledTabularInline
from lib.workflow import WorkflowError

FUNNEL = ("emailed_at", "opened_at", "viewed_at", "answered_at", "contact_shared_at", "reminded_at")


def reasons_list(match: SupplierMatch) -> str:
    if not match.reasons:
        return "—"
    return format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((reason,) for reason in match.reasons)))


class SupplierMatchInline(LabelledTabularInline):
    model = SupplierMatch
    extra = 0
    can_delete = False
    fields = ["rank", "included", "organisation", "score", "reasons_shown", "answer", *FUNNEL]
    readonly_fields = ["organisation", "score", "reasons_shown", "answer", *FUNNEL]
    ordering = ["rank", "pk"]
    verbose_name_plural = "fournisseurs proposés (rang et choix avant l'envoi)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organisation")

    def has_add_permission(self, request, obj=None):
        return False  # added from the need's matching page (autocomplete on the directory)

    @admin.display(description="raisons")
    def reasons_shown(self, match):
        return reasons_list(match)


class RankForm(forms.ModelForm):
    class Meta:
        model = SupplierMatch
        fields = ["rank", "included"]
        error_messages = {"rank": {"invalid": "Le rang est un nombre entier.", "required": "Indiquez un rang."}}


RankFormSet = modelformset_factory(SupplierMatch, form=RankForm, extra=0)


class AnsweredFilter(admin.SimpleListFilter):
    title = "réponse"
    parameter_name = "reponse"

    def lookups(self, request, model_admin):
        return [("attente", "Envoyé, sans réponse"), *SupplierMatch.Answer.choices]

    def queryset(self, request, queryset):
        if self.value() == "attente":
            return queryset.filter(emailed_at__isnull=False, answer="")
        if self.value() in SupplierMatch.Answer.values:
            return queryset.filter(answer=self.value())
        return queryset


@admin.register(SupplierMatch)
class SupplierMatchAdmin(admin.ModelAdmin):
    list_display = ["organisation", "need", "rank", "score", "included", "batch", "emailed_at", "answer"]
    list_filter = [AnsweredFilter, "included", "added_by_staff"]
    list_select_related = ["organisation", "need"]
    search_fields = ["organisation__name", "need__reference", "need__title"]
    autocomplete_fields = ["organisation"]
    raw_id_fields = ["need"]
    ordering = ["-need__created_at", "rank"]
    readonly_fields = [
        "score",
        "reasons_shown",
        "added_by_staff",
        "batch",
        "email",
        *FUNNEL,
        "answer",
        "not_interested_reason",
        "message",
        "need_page",
    ]
    fields = ["need", "need_page", "organisation", "rank", "included", "score", "reasons_shown", "added_by_staff",
              "batch", "email", *FUNNEL, "answer", "not_interested_reason", "message"]  # fmt: skip

    def get_readonly_fields(self, request, obj=None):
        fixed = ["need", "organisation"] if obj else []
        return [*fixed, *self.readonly_fields]

    @admin.display(description="raisons")
    def reasons_shown(self, match):
        return reasons_list(match)

    @admin.display(description="page du besoin")
    def need_page(self, match):
        if not match.pk:
            return "—"
        url = reverse("admin:experimentations_suppliermatch_need", args=[match.need_id])
        return format_html('<a href="{}">Fournisseurs du besoin et envoi</a>', url)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("besoin/<int:need_id>/", view(self.need_view), name="experimentations_suppliermatch_need"),
            *super().get_urls(),
        ]

    def need_view(self, request, need_id):
        """One need's suppliers: run the matching, add one, adjust, send."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        need = get_object_or_404(Need.objects.select_related("commune"), pk=need_id)
        matches = SupplierMatch.objects.filter(need=need).select_related("organisation__commune").order_by("rank", "pk")
        add_form = AddSupplierForm()
        formset = RankFormSet(queryset=matches, prefix="rangs")
        action = request.POST.get("action", "")
        if request.method == "POST":
            if not self.has_change_permission(request):
                raise PermissionDenied
            done = self._act(request, need, action, matches)
            if done is True:
                return redirect(reverse("admin:experimentations_suppliermatch_need", args=[need.pk]))
            add_form, formset = done.get("add_form", add_form), done.get("formset", formset)
        counts = matches.aggregate(
            total=Count("pk"),
            included=Count("pk", filter=Q(included=True)),
            emailed=Count("pk", filter=Q(emailed_at__isnull=False)),
            opened=Count("pk", filter=Q(opened_at__isnull=False)),
            viewed=Count("pk", filter=Q(viewed_at__isnull=False)),
            interested=Count("pk", filter=Q(answer=SupplierMatch.Answer.INTERESTED)),
            not_interested=Count("pk", filter=Q(answer=SupplierMatch.Answer.NOT_INTERESTED)),
        )
        rows = [(form, form.instance) for form in formset.forms]
        for index, (form, match) in enumerate(rows, start=1):
            form.fields["rank"].widget.attrs["aria-label"] = f"Rang de {match.organisation.name}"
            form.fields["included"].widget.attrs["aria-label"] = f"Retenir {match.organisation.name}"
            form.row_number = index
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Fournisseurs pour le besoin {need.reference}",
            "need": need,
            "rows": rows,
            "formset": formset,
            "add_form": add_form,
            "counts": counts,
            "can_change": self.has_change_permission(request),
            "can_send": need.status == Need.Status.VALIDATED,
            "media": self.media + add_form.media,
        }
        return TemplateResponse(request, "admin/experimentations/suppliermatch/need.html", context)

    def _act(self, request, need, action, matches):
        if action == "rapprocher":
            result = matching.match_suppliers(need)
            self.message_user(
                request,
                f"Rapprochement fait : {result.created} fournisseur(s) ajouté(s), {result.updated} mis à jour, "
                f"{result.removed} retiré(s) ; vos choix sont gardés.",
                messages.SUCCESS,
            )
            return True
        if action == "ajouter":
            add_form = AddSupplierForm(request.POST)
            if not add_form.is_valid():
                return {"add_form": add_form}
            match = matching.add_supplier(need=need, organisation=add_form.cleaned_data["organisation"])
            self.message_user(request, f"{match.organisation.name} est proposé pour ce besoin.", messages.SUCCESS)
            return True
        if action == "enregistrer":
            formset = RankFormSet(request.POST, queryset=matches, prefix="rangs")
            if not formset.is_valid():
                self.message_user(request, "Corrigez les rangs signalés.", messages.ERROR)
                return {"formset": formset}
            formset.save()
            self.message_user(request, "Rangs et choix enregistrés.", messages.SUCCESS)
            return True
        if action == "envoyer":
            try:
                emailed = batches.send_to_suppliers(need=need, by=request.user)
            except WorkflowError as error:
                self.message_user(request, str(error), messages.ERROR)
                return {}
            self.message_user(
                request,
                f"Besoin envoyé : {emailed} fournisseur(s) dans la première vague ; les suivantes partent "
                "d'elles-mêmes aux heures ouvrées.",
                messages.SUCCESS,
            )
            return True
        self.message_user(request, "Action inconnue : rechargez la page et réessayez.", messages.ERROR)
        return {}
