"""Admin building blocks for workflows: the transition log inline and the buttons."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext

from lib.workflow import WorkflowError


class LabelledFileInputsMixin:
    """The admin draws a file field as a group (a legend, « Actuellement : … Modifier : »)
    whose file input has no label of its own (axe: « Form elements must have labels »):
    each file input is named after its field."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(db_field, models.FileField) and formfield is not None:
            formfield.widget.attrs.setdefault("aria-label", capfirst(db_field.verbose_name))
        return formfield


class LabelledTabularInline(admin.TabularInline):
    """A tabular inline draws its inputs under column headings, with no label of their own
    (axe: « Form elements must have labels »): each input is named after its column and its
    row (« Échéance, ligne 2 »), the deletion box too."""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)

        def add_fields(formset_self, form, index):
            formset.add_fields(formset_self, form, index)
            row = f", ligne {index + 1}" if index is not None else ", nouvelle ligne"
            for name, field in form.fields.items():
                label = "Supprimer" if name == "DELETE" else capfirst(str(field.label or name))
                # A related field's wrapper (add/change links) draws the widget it wraps.
                widget = getattr(field.widget, "widget", field.widget)
                widget.attrs["aria-label"] = f"{label}{row}"

        return type(formset.__name__, (formset,), {"add_fields": add_fields})


class TransitionInline(admin.TabularInline):
    """The log of a record's workflow; the states by their French names (the log stores
    the codes), taken from the choices of the record's `state_field`."""

    extra = 0
    can_delete = False
    state_field = "status"
    fields = ["created_at", "from_label", "to_label", "by", "comment"]
    readonly_fields = fields
    verbose_name_plural = "Journal"

    def has_add_permission(self, request, obj=None):
        return False

    def _label(self, code):
        return dict(self.parent_model._meta.get_field(self.state_field).flatchoices).get(code, code)

    @admin.display(description="état de départ")
    def from_label(self, obj):
        return self._label(obj.from_state)

    @admin.display(description="nouvel état")
    def to_label(self, obj):
        return self._label(obj.to_state)


class WorkflowAdminMixin:
    """Transition buttons on the change page: each posts to <id>/etat/<target>/."""

    workflow = None
    staff_targets = None

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "<int:object_id>/etat/<str:target>/",
                self.admin_site.admin_view(self.transition_view),
                name=f"{opts.app_label}_{opts.model_name}_transition",
            ),
            *super().get_urls(),
        ]

    def buttons(self, obj):
        return [t for t in self.workflow.allowed(obj) if self.staff_targets is None or t.target in self.staff_targets]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        extra_context = {**(extra_context or {}), "transitions": self.buttons(obj) if obj else []}
        return super().change_view(request, object_id, form_url, extra_context)

    def transition_view(self, request, object_id, target):
        obj = get_object_or_404(self.model, pk=object_id)
        if request.method != "POST" or not self.has_change_permission(request, obj):
            raise PermissionDenied
        try:
            # perform() may return what to tell the staff member instead of the usual message.
            done = self.perform(obj, target, by=request.user, comment=request.POST.get("comment", ""), request=request)
        except (WorkflowError, ValidationError) as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            message = done if isinstance(done, str) else "C'est fait : la personne est prévenue par courriel."
            self.message_user(request, message, messages.SUCCESS)
        opts = self.model._meta
        return redirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))


class CappedPaginator(Paginator):
    """Counts at most `cap` rows, so that a list of a large table never counts it whole.

    Beyond the cap the list shows its first `cap` rows in pages and says « plus de … »
    (the admin templates `pagination.html`, `search_form.html` and `actions.html` read
    `capped`); filters and search narrow it down.
    """

    cap = 2000

    @cached_property
    def count(self):
        # Any cap + 1 rows will do: without ordering, the database stops at the first ones.
        counted = self.object_list.order_by()[: self.cap + 1].count()
        self.capped = counted > self.cap
        return min(counted, self.cap)

    capped = False


class QuickCheckboxMixin:
    """The list's selection checkbox written directly, not through the form widget
    templates: the same markup, a quarter of the rendering time of a 50-row list."""

    def action_checkbox(self, obj):
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            gettext("Select this object for an action - {}").format(obj),
        )


class ReadOnlyAdminMixin:
    """An admin page that only shows what the code writes (logs, deliveries): nobody adds,
    changes or deletes a row here, superusers included."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
