"""Admin of the experiments pipeline: the experiment with its stage buttons
(EXPERIMENT_WORKFLOW), its log, indicators and documents; each indicator with its measures.

Writes go through experimentations.experiments: rich text made safe, documents checked by
their content and stored under a random name."""

from django import forms
from django.contrib import admin
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Count

from comptes.models import User
from experimentations import experiments
from experimentations.models import (
    Experiment,
    ExperimentDocument,
    ExperimentIndicator,
    ExperimentMeasure,
    ExperimentTransition,
)
from experimentations.workflows import EXPERIMENT_WORKFLOW
from lib.admin import LabelledFileInputsMixin, LabelledTabularInline, TransitionInline, WorkflowAdminMixin
from lib.forms import RichTextWidget


class ExperimentForm(forms.ModelForm):
    class Meta:
        model = Experiment
        fields = [
            "title", "slug", "summary", "description", "partners", "territories", "budget", "starts_on", "ends_on",
            "results", "owner", "is_public",
        ]  # fmt: skip
        widgets = {
            "description": RichTextWidget(attrs={"aria-label": "Présentation de l'expérimentation"}),
            "results": RichTextWidget(attrs={"aria-label": "Résultats de l'expérimentation"}),
        }

    def clean(self):
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and starts_on > ends_on:
            self.add_error("ends_on", "La fin doit venir après le début.")
        budget = data.get("budget")
        if budget is not None and budget < 0:
            self.add_error("budget", "Le budget ne peut pas être négatif.")
        return data


class ExperimentTransitionInline(TransitionInline):
    model = ExperimentTransition
    state_field = "stage"


class IndicatorInline(LabelledTabularInline):
    model = ExperimentIndicator
    extra = 0
    fields = ["name", "unit", "target"]
    show_change_link = True
    verbose_name_plural = "Indicateurs (ouvrez un indicateur pour saisir ses mesures)"


class DocumentForm(forms.ModelForm):
    class Meta:
        model = ExperimentDocument
        fields = ["title", "file", "is_public"]

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):
            self.extension = experiments.check_document(upload)
        return upload


class DocumentInline(LabelledFileInputsMixin, LabelledTabularInline):
    model = ExperimentDocument
    form = DocumentForm
    extra = 0
    fields = ["title", "file", "is_public", "original_name", "size"]
    readonly_fields = ["original_name", "size"]
    verbose_name_plural = "Documents (PDF, ODT, DOCX ou images ; vérifiés d'après leur contenu)"


@admin.register(Experiment)
class ExperimentAdmin(WorkflowAdminMixin, admin.ModelAdmin):
    workflow = EXPERIMENT_WORKFLOW
    form = ExperimentForm
    list_display = ["title", "stage", "is_public", "starts_on", "ends_on", "owner"]
    list_filter = ["stage", "is_public"]
    search_fields = ["title", "summary"]
    list_select_related = ["owner"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["partners"]
    filter_horizontal = ["territories"]
    readonly_fields = ["stage", "abandon_reason"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "description", "stage", "abandon_reason"]}),
        (
            "Partenaires, territoires et budget",
            {"fields": ["partners", "territories", "budget", "starts_on", "ends_on"]},
        ),
        ("Résultats et publication", {"fields": ["results", "owner", "is_public"]}),
    ]
    inlines = [IndicatorInline, DocumentInline, ExperimentTransitionInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "owner":
            kwargs["queryset"] = User.objects.filter(is_staff=True, is_active=True).order_by("email")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        experiments.save_experiment(obj)

    def save_formset(self, request, form, formset, change):
        if formset.model is ExperimentDocument:
            for document_form in formset.forms:
                extension = getattr(document_form, "extension", None)
                if extension and not document_form.cleaned_data.get("DELETE"):
                    experiments.prepare_document(document_form.instance, document_form.cleaned_data["file"], extension)
        super().save_formset(request, form, formset, change)

    def perform(self, experiment, target, *, by, comment, request):
        experiments.move_experiment(experiment=experiment, target=target, by=by, comment=comment)
        return f"C'est fait : l'expérimentation est à l'étape « {experiment.get_stage_display()} »."


class MeasureInline(LabelledTabularInline):
    model = ExperimentMeasure
    extra = 1
    fields = ["measured_on", "value"]


@admin.register(ExperimentIndicator)
class ExperimentIndicatorAdmin(admin.ModelAdmin):
    list_display = ["name", "experiment", "unit", "target", "measure_count"]
    list_filter = ["experiment"]
    list_select_related = ["experiment"]
    search_fields = ["name", "experiment__title"]
    fields = ["experiment", "name", "unit", "target"]
    inlines = [MeasureInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(measures_count=Count("measures"))

    @admin.display(description="mesures", ordering="measures_count")
    def measure_count(self, indicator):
        return indicator.measures_count
