import io
from collections import Counter
from datetime import date

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from cress import personal_data as requests
from cress.models import PersonalDataRequest
from lib import personal_data
from lib.admin import ReadOnlyAdminMixin
from lib.dates import french_date
from lib.downloads import file_response
from lib.forms import submitted


@admin.register(PersonalDataRequest)
class PersonalDataRequestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The journal of personal-data requests, and the pages that answer them."""

    list_display = ["created_at", "kind", "reference", "requested_by", "digest"]
    list_filter = ["kind"]
    list_select_related = ["requested_by"]
    search_fields = ["reference"]
    fields = ["kind", "created_at", "reference", "requested_by", "digest", "summary_table", "holds_table"]
    readonly_fields = fields
    change_list_template = "admin/cress/personaldatarequest/change_list.html"

    @admin.display(description="personne (empreinte)")
    def digest(self, obj):
        return obj.email_digest[:12]

    @admin.display(description="résumé par partie du portail")
    def summary_table(self, obj):
        erasure = obj.kind == PersonalDataRequest.Kind.ERASURE
        heads = ("Effacés", "Conservés") if erasure else ("Trouvés",)
        rows = format_html_join(
            "",
            "<tr><th scope='row'>{}</th>" + "<td>{}</td>" * len(heads) + "</tr>",
            (
                (
                    part.get("partie", name),
                    *((part.get("effaces"), part.get("conserves")) if erasure else (part.get("trouves"),)),
                )
                for name, part in obj.summary.items()
            ),
        )
        head = format_html_join("", "<th scope='col'>{}</th>", ((h,) for h in heads))
        return format_html(
            "<table class='wide-table'><thead><tr><th scope='col'>Partie du portail</th>{}</tr></thead>"
            "<tbody>{}</tbody></table>",
            head,
            rows,
        )

    @admin.display(description="conservé au titre d'une obligation légale")
    def holds_table(self, obj):
        return (
            format_html_join(
                "\n",
                "<p><strong>{}</strong> — conservé jusqu'au {}. {}</p>",
                (
                    (hold["quoi"], french_date(date.fromisoformat(hold["jusqu_au"])), hold["motif"])
                    for hold in obj.holds
                ),
            )
            or "—"
        )

    def get_search_results(self, request, queryset, search_term):
        queryset, duplicates = super().get_search_results(request, queryset, search_term)
        if "@" in search_term:
            queryset |= self.model.objects.filter(email_digest=personal_data.email_digest(search_term))
        return queryset, duplicates

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("personne/", view(self.person_view), name="cress_personaldatarequest_person"),
            path("effacer/", view(self.erase_view), name="cress_personaldatarequest_erase"),
            *super().get_urls(),
        ]

    def _page(self, request, template, **context):
        return TemplateResponse(
            request,
            template,
            {**self.admin_site.each_context(request), "opts": self.model._meta, **context},
        )

    def person_view(self, request):
        """Search what the portal holds about an address; download it as a ZIP."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = requests.PersonRequestForm(**submitted(request))
        parts = None
        if request.method == "POST" and form.is_valid():
            email, reference = form.cleaned_data["email"], form.cleaned_data["reference"]
            if request.POST.get("action") == "export":
                content = requests.export_person(email=email, reference=reference, by=request.user)
                return file_response(
                    io.BytesIO(content), filename=requests.zip_filename(), content_type="application/zip"
                )
            parts = requests.search_person(email=email, reference=reference, by=request.user)
        return self._person_page(request, form, parts)

    def _person_page(self, request, form, parts=None):
        return self._page(
            request,
            "admin/cress/personaldatarequest/person.html",
            title="Demande d'accès ou d'effacement (RGPD)",
            form=form,
            parts=_rows(parts) if parts is not None else None,
            found_anything=bool(parts) and any(found for _provider, found in parts),
            can_erase=request.user.is_superuser,
        )

    def erase_view(self, request):
        """Erase what the portal holds about an address: superusers only, address typed twice."""
        if not request.user.is_superuser:
            raise PermissionDenied
        if request.method != "POST":
            return redirect(reverse("admin:cress_personaldatarequest_person"))
        if "confirmation" not in request.POST:  # from the search page: show what will go
            first = requests.PersonRequestForm(data=request.POST)
            if not first.is_valid():
                return self._person_page(request, first)
            form = requests.ErasureConfirmForm(initial=first.cleaned_data)
            email = first.cleaned_data["email"]
        else:
            form = requests.ErasureConfirmForm(data=request.POST)
            if form.is_valid():
                entry = requests.erase_person(
                    email=form.cleaned_data["email"], reference=form.cleaned_data["reference"], by=request.user
                )
                kept = len(entry.holds)
                self.message_user(
                    request,
                    "Les données de la personne sont effacées"
                    + (f" ; {kept} enregistrement(s) conservé(s) au titre d'une obligation légale." if kept else "."),
                    messages.SUCCESS,
                )
                return redirect(reverse("admin:cress_personaldatarequest_change", args=[entry.pk]))
            email = personal_data.normalise_email(request.POST.get("email", ""))
        return self._page(
            request,
            "admin/cress/personaldatarequest/erase.html",
            title="Effacer les données d'une personne (RGPD)",
            form=form,
            parts=_rows(personal_data.find_everywhere(email) if email else []),
        )


def _rows(parts) -> list[dict]:
    """Each part of the portal as a row: counts, and its kinds of record with how many of each."""
    return [
        {
            "label": provider.label,
            "records": len(found.records),
            "documents": len(found.documents),
            "kinds": list(Counter(record.kind for record in found.records).items()),
        }
        for provider, found in parts
    ]
