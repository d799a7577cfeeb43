from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from lib.admin import (
    CappedPaginator,
    LabelledFileInputsMixin,
    ReadOnlyAdminMixin,
    TransitionInline,
    WorkflowAdminMixin,
)
from lib.forms import submitted
from lib.spreadsheet import safe_cell, streaming_writer
from observatoire import panoramas, services
from observatoire.forms import PublicationAdminForm
from observatoire.models import (
    MILLESIME_WORKFLOW,
    DataImport,
    Establishment,
    Figure,
    ImportKind,
    ImportStatus,
    Millesime,
    MillesimeTransition,
    Panorama,
    PanoramaRequest,
    PerimeterExclusion,
    Publication,
)

REFUSALS_SHOWN = 200


class MillesimeTransitionInline(TransitionInline):
    model = MillesimeTransition
    state_field = "state"


@admin.register(Millesime)
class MillesimeAdmin(WorkflowAdminMixin, admin.ModelAdmin):
    workflow = MILLESIME_WORKFLOW
    change_form_template = "admin/observatoire/millesime_change_form.html"
    list_display = ["year", "state", "is_synthetic", "published_at"]
    list_filter = ["state", "is_synthetic"]
    fields = ["year", "state", "is_synthetic", "source_note", "published_at"]
    readonly_fields = ["state", "published_at"]
    inlines = [MillesimeTransitionInline]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "year"] if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            services.update_millesime(millesime=obj, fields=list(form.changed_data))
        else:
            super().save_model(request, obj, form, change)

    def perform(self, millesime, target, *, by, comment, request):
        services.transition_millesime(millesime=millesime, target=target, by=by, comment=comment)
        return f"{millesime} : {millesime.get_state_display().lower()}."


@admin.register(PerimeterExclusion)
class PerimeterExclusionAdmin(admin.ModelAdmin):
    list_display = ["naf_prefix", "label", "reason"]
    search_fields = ["naf_prefix", "label"]


@admin.register(Establishment)
class EstablishmentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    # Two columns so that the list reads on a phone; the record shows every field.
    list_display = ["siret", "name"]
    list_filter = ["millesime", "is_employer", "ess_declared", "is_active"]
    search_fields = ["=siret", "=siren", "name"]
    paginator = CappedPaginator
    show_full_result_count = False
    list_select_related = ["millesime"]


@admin.register(Figure)
class FigureAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["millesime", "source", "scope", "territory", "family", "sector_level", "sector",
                    "establishments", "employees", "secrecy"]  # fmt: skip
    list_filter = ["millesime", "source", "scope", "sector_level", "secrecy", "family"]
    list_select_related = ["millesime", "territory"]
    search_fields = ["sector", "territory__name"]
    paginator = CappedPaginator
    show_full_result_count = False


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label="Type de fichier", choices=ImportKind.choices)
    year = forms.IntegerField(label="Millésime (année des données)", min_value=1990, max_value=2100)
    file = forms.FileField(
        label="Fichier CSV",
        help_text="Séparateur « ; » ou « , », encodage UTF-8 ou Latin-1 : les deux sont reconnus.",
    )


@admin.register(DataImport)
class DataImportAdmin(admin.ModelAdmin):
    list_display = ["__str__", "status", "accepted_rows", "refused_rows", "created_at"]
    list_filter = ["status", "kind", "year"]
    change_form_template = "admin/observatoire/dataimport_change_form.html"

    def has_change_permission(self, request, obj=None):
        return False  # a file is never edited: it is previewed, launched, then reported

    def get_urls(self):
        return [
            path("<int:object_id>/lancer/", self.admin_site.admin_view(self.launch_view),
                 name="observatoire_dataimport_launch"),
            path("<int:object_id>/progression/", self.admin_site.admin_view(self.progress_view),
                 name="observatoire_dataimport_progress"),
            path("<int:object_id>/refus.csv", self.admin_site.admin_view(self.refusals_view),
                 name="observatoire_dataimport_refusals"),
            *super().get_urls(),
        ]  # fmt: skip

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = UploadForm(**submitted(request))
        if request.method == "POST" and form.is_valid():
            try:
                data_import = services.upload_import(
                    kind=form.cleaned_data["kind"],
                    year=form.cleaned_data["year"],
                    upload=form.cleaned_data["file"],
                    by=request.user,
                )
            except ValidationError as error:
                form.add_error("file", error)
            else:
                return redirect(reverse("admin:observatoire_dataimport_change", args=[data_import.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Déposer un fichier de données",
            "form": form,
        }
        return TemplateResponse(request, "admin/observatoire/dataimport_upload.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        data_import = get_object_or_404(DataImport, pk=object_id)
        if not self.has_view_permission(request, data_import):
            raise PermissionDenied
        preview = None
        if data_import.status == ImportStatus.WAITING and data_import.file:
            preview = services.preview_import(data_import)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": str(data_import),
            "original": data_import,
            "preview": preview,
            "progress": services.import_progress(data_import),
            "refusals": data_import.refusals.all()[:REFUSALS_SHOWN],
            "refusals_shown": REFUSALS_SHOWN,
            "can_launch": self.has_add_permission(request) and data_import.status == ImportStatus.WAITING,
        }
        return TemplateResponse(request, "admin/observatoire/dataimport_detail.html", context)

    def launch_view(self, request, object_id):
        data_import = get_object_or_404(DataImport, pk=object_id)
        if request.method != "POST" or not self.has_add_permission(request):
            raise PermissionDenied
        try:
            services.launch_import(data_import=data_import)
        except ValidationError as error:
            self.message_user(request, error.messages[0], messages.ERROR)
        else:
            self.message_user(request, "Import lancé : la progression s'affiche ci-dessous.", messages.SUCCESS)
        return redirect(reverse("admin:observatoire_dataimport_change", args=[data_import.pk]))

    def progress_view(self, request, object_id):
        data_import = get_object_or_404(DataImport, pk=object_id)
        if not self.has_view_permission(request, data_import):
            raise PermissionDenied
        if request.headers.get("X-Progression") != "1":  # opened as a page: the import's page
            return redirect(reverse("admin:observatoire_dataimport_change", args=[data_import.pk]))
        context = {"original": data_import, "progress": services.import_progress(data_import)}
        return TemplateResponse(request, "admin/observatoire/_dataimport_progress.html", context)

    def refusals_view(self, request, object_id):
        data_import = get_object_or_404(DataImport, pk=object_id)
        if not self.has_view_permission(request, data_import):
            raise PermissionDenied
        writer = streaming_writer(delimiter=";")
        rows = data_import.refusals.values_list("line", "identifier", "reason").iterator()
        lines = (writer.writerow([safe_cell(v) for v in row]) for row in rows)
        response = StreamingHttpResponse(
            (line for part in ([writer.writerow(["ligne", "identifiant", "motif"])], lines) for line in part),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="refus-import-{data_import.pk}.csv"'
        return response


@admin.register(Panorama)
class PanoramaAdmin(admin.ModelAdmin):
    """Panoramas built on request: their state, and the action that publishes one."""

    list_display = ["territory", "millesime", "data_version", "status", "pages", "build_seconds", "finished_at"]
    list_filter = ["status", "millesime"]
    list_select_related = ["territory", "millesime"]
    search_fields = ["territory__name"]
    fields = [
        "territory", "millesime", "data_version", "status", "step", "file", "pages", "error",
        "created_at", "started_at", "finished_at", "build_seconds",
    ]  # fmt: skip
    readonly_fields = fields
    actions = ["publish"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="durée de fabrication (s)")
    def build_seconds(self, obj):
        return obj.build_seconds

    @admin.action(description="Publier dans la liste des publications", permissions=["change"])
    def publish(self, request, queryset):
        published = 0
        for panorama in queryset.select_related("territory", "millesime"):
            try:
                panoramas.publish_panorama(panorama=panorama)
            except ValidationError as error:
                self.message_user(request, f"{panorama} : {error.messages[0]}", messages.ERROR)
            else:
                published += 1
        if published:
            self.message_user(request, f"{published} panorama(s) publié(s) dans la liste des publications.")


@admin.register(PanoramaRequest)
class PanoramaRequestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "panorama", "notified_at"]
    list_select_related = ["panorama__territory", "panorama__millesime"]
    fields = ["created_at", "panorama", "email", "consent_text", "notified_at"]
    readonly_fields = fields


@admin.register(Publication)
class PublicationAdmin(LabelledFileInputsMixin, admin.ModelAdmin):
    form = PublicationAdminForm
    list_display = ["title", "published_on", "territory", "panorama"]
    list_filter = ["territory__kind"]
    list_select_related = ["territory", "panorama__territory", "panorama__millesime"]
    search_fields = ["title", "summary"]
    autocomplete_fields = ["territory"]
    date_hierarchy = "published_on"
