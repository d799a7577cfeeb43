"""The staff's workplace for the resource centre: a resource with its themes, audiences and
the topics of other areas it serves, its file checked by its content."""

from django import forms
from django.contrib import admin

from appartenance import resources
from appartenance.models_resources import Resource, ResourceAudience, ResourceTag, ResourceTheme
from lib import resources as registry
from lib.admin import LabelledFileInputsMixin
from lib.forms import RichTextWidget


class ResourceForm(forms.ModelForm):
    themes = forms.MultipleChoiceField(
        label="Thèmes", choices=ResourceTheme.choices, widget=forms.CheckboxSelectMultiple
    )
    audiences = forms.MultipleChoiceField(
        label="Publics", choices=ResourceAudience.choices, widget=forms.CheckboxSelectMultiple
    )
    topics = forms.MultipleChoiceField(
        label="Pages du portail où la montrer",
        required=False,
        help_text="La ressource paraît dans « Ressources utiles » sur ces pages (guide des statuts, métiers, "
        "formations, outils financiers…).",
    )

    class Meta:
        model = Resource
        fields = [
            "title", "slug", "summary", "body", "author", "published_on", "licence", "format", "file",
            "external_url", "is_published",
        ]  # fmt: skip
        widgets = {"body": RichTextWidget(attrs={"aria-label": "Présentation de la ressource"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A role that may only view the resource gets a form without its editable fields.
        if "topics" in self.fields:
            self.fields["topics"].choices = registry.topic_choices()
        if "file" in self.fields:
            self.fields["file"].help_text = (
                f"{resources.FILE_KINDS_LABEL}, {resources.MAX_FILE_BYTES // (1024 * 1024)} Mo au plus ; "
                "vérifié par son contenu."
            )
        if self.instance.pk:
            by_kind = {kind: [] for kind in ResourceTag.Kind.values}
            for tag in self.instance.tags.all():
                by_kind[tag.kind].append(tag.value)
            self.initial.setdefault("themes", by_kind[ResourceTag.Kind.THEME])
            self.initial.setdefault("audiences", by_kind[ResourceTag.Kind.AUDIENCE])
            self.initial.setdefault("topics", by_kind[ResourceTag.Kind.TOPIC])

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and "file" in self.changed_data:
            self.upload_kind = resources.check_resource_file(upload)
        return upload


@admin.register(Resource)
class ResourceAdmin(LabelledFileInputsMixin, admin.ModelAdmin):
    form = ResourceForm
    list_display = ["title", "format", "published_on", "is_published", "download_count"]
    list_filter = ["is_published", "format", "licence"]
    search_fields = ["title", "summary", "author"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_on"
    readonly_fields = ["file_kind", "download_count", "created_at", "updated_at"]

    def save_model(self, request, obj, form, change):
        # Through the service: rich text made safe, the file's kind read from its content, the tags.
        data = form.cleaned_data
        resources.save_resource(
            resource=obj,
            themes=data["themes"],
            audiences=data["audiences"],
            topics=data["topics"],
            upload=data["file"] if "file" in form.changed_data and data["file"] else None,
        )
