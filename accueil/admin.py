from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Func, Value
from django.db.models.functions import Lower
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import smart_split, unescape_string_literal

from accueil import orientation as orientation_service
from accueil import selectors, services
from accueil.admin_references import RequestReferenceInline, SuggestionsAdminMixin
from accueil.models import (
    Attachment,
    IntakeRequest,
    InternalNote,
    Message,
    Orientation,
    OrientationTransition,
    ParticipantProfile,
    RequestAssignment,
    RequestErasure,
    RequestTransition,
)
from annuaire.models import Organisation
from annuaire.selectors import structure_recipients
from lib import intake_kinds
from lib.admin import CappedPaginator, QuickCheckboxMixin, ReadOnlyAdminMixin, TransitionInline, WorkflowAdminMixin
from lib.dates import french_date, french_datetime, french_short_date
from lib.forms import submitted
from lib.periods import read_period
from lib.personal_data import fse_hold_until
from lib.spreadsheet import csv_response, safe_cell, streaming_writer
from lib.workflow import WorkflowError
from messagerie.services import render_email
from referentiels.admin import CommuneListFilter, EpciListFilter


class RequestTransitionInline(TransitionInline):
    model = RequestTransition


class RequestAssignmentInline(admin.TabularInline):
    """Who took the request or handed it to whom: written by services.assign_request only."""

    model = RequestAssignment
    extra = 0
    can_delete = False
    fields = ["assigned_to", "by", "created_at"]
    readonly_fields = fields
    verbose_name_plural = "Historique des attributions"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    can_delete = False
    fields = ["original_name", "content_type", "size", "added_by_holder", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class MessageInline(admin.TabularInline):
    """The request's whole conversation: who wrote each message and who reads it."""

    model = Message
    extra = 0
    can_delete = False
    fields = ["body", "written_by", "read_by", "created_at"]  # the text first: readable on a phone too
    readonly_fields = fields
    verbose_name_plural = "Conversation (porteur, équipe, structures) — chaque message indique qui le lit"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("orientation__organisation")

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="écrit par")
    def written_by(self, obj):
        if obj.author_kind == Message.Author.STAFF and obj.author_name:
            return f"{obj.author_label} ({obj.author_name})"
        return obj.author_label

    @admin.display(description="lu par")
    def read_by(self, obj):
        return obj.readers_label


class InternalNoteInline(admin.StackedInline):
    """Staff add notes; a saved note is read-only (its author and date too): only a
    superuser may correct or delete one, so that nobody rewrites a colleague's note."""

    model = InternalNote
    extra = 1
    fields = ["body", "author", "created_at"]
    readonly_fields = ["author", "created_at"]
    verbose_name_plural = "Notes internes (jamais montrées au porteur)"

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)


class ParticipantInline(admin.StackedInline):
    model = ParticipantProfile
    extra = 0
    can_delete = False
    readonly_fields = ["sex", "age_band", "employment", "education", "disadvantaged"]

    def has_add_permission(self, request, obj=None):
        return False


class OrientationInline(admin.TabularInline):
    model = Orientation
    extra = 0
    can_delete = False
    fields = ["organisation", "status", "sent_at", "answered_at", "refusal_reason", "partner_message", "outcome_report"]
    readonly_fields = fields
    verbose_name_plural = "Orientations"

    def has_add_permission(self, request, obj=None):
        return False


class StaleFilter(admin.SimpleListFilter):
    title = "sans action"
    parameter_name = "sans_action"

    def lookups(self, request, model_admin):
        return [("oui", f"Depuis plus de {settings.STALE_REQUEST_DAYS} jours")]

    def queryset(self, request, queryset):
        if self.value() == "oui":
            cutoff = timezone.now() - timezone.timedelta(days=settings.STALE_REQUEST_DAYS)
            return queryset.filter(status__in=services.OPEN_STATES, last_activity_at__lt=cutoff)
        return queryset


class AwaitingStaffFilter(admin.SimpleListFilter):
    title = "réponse de l'équipe"
    parameter_name = "a_repondre"

    def lookups(self, request, model_admin):
        return [("oui", "En attente d'une réponse de l'équipe")]

    def queryset(self, request, queryset):
        if self.value() == "oui":
            return selectors.awaiting_staff_answer(queryset)
        return queryset


class AssignedFilter(admin.SimpleListFilter):
    """« Mes demandes » first, then the unassigned ones and each accueil staff member's."""

    title = "chargé·e d'accueil"
    parameter_name = "attribuee"

    def lookups(self, request, model_admin):
        others = [
            (str(user.pk), user.get_full_name() or user.email)
            for user in services.accueil_staff()
            if user.pk != request.user.pk
        ]
        return [("moi", "Mes demandes"), ("personne", "Non attribuées"), *others]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "moi":
            return queryset.filter(assigned_to=request.user)
        if value == "personne":
            return queryset.filter(assigned_to=None)
        if value and value.isdigit():
            return queryset.filter(assigned_to_id=int(value))
        return queryset


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label="Attribuer à",
        queryset=None,
        empty_label=None,
        error_messages={"invalid_choice": "Choisissez un·e membre de l'équipe d'accueil."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = services.accueil_staff()
        self.fields["assignee"].label_from_instance = lambda user: user.get_full_name() or user.email


class OrientForm(forms.Form):
    """The structures chosen for a request: among the recommended ones (`structures`, ticked
    in the table) and any other published record of the directory found by a search."""

    structures = forms.ModelMultipleChoiceField(queryset=None, required=False)
    others = forms.ModelMultipleChoiceField(
        label="Autre structure de l'annuaire",
        queryset=None,
        required=False,
        help_text="Tapez une partie du nom, du sigle, du SIRET ou de l'adresse électronique : "
        "toute structure publiée de l'annuaire.",
    )

    def __init__(self, *args, intake, recommended, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        available = Organisation.objects.filter(is_published=True).exclude(
            pk__in=intake.orientations.values("organisation_id")
        )
        self.fields["structures"].queryset = available.filter(pk__in=[org.pk for org in recommended])
        # The widget first: setting the queryset gives it its choices.
        self.fields["others"].widget = AutocompleteSelectMultiple(
            Orientation._meta.get_field("organisation"), admin_site, attrs={"aria-describedby": "others-help"}
        )
        self.fields["others"].queryset = available

    def clean(self):
        data = super().clean()
        chosen = list(data.get("structures") or []) + list(data.get("others") or [])
        if not self.errors and not chosen:
            raise forms.ValidationError("Choisissez au moins une structure.")
        data["chosen"] = list({organisation.pk: organisation for organisation in chosen}.values())
        return data


class ExportForm(forms.Form):
    colonnes = forms.MultipleChoiceField(
        label="Colonnes",
        choices=[(key, header) for key, (header, _value) in selectors.EXPORT_COLUMNS.items()],
        widget=forms.CheckboxSelectMultiple,
        initial=["reference", "date", "statut", "commune", "titre", "besoins"],
    )


class ErasureForm(forms.Form):
    reason = forms.CharField(
        label="Motif de l'effacement",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Gardé dans le journal des effacements : n'y écrivez aucune donnée personnelle "
        "(par exemple « demande d'effacement reçue par courriel le 3 mars 2026 »).",
    )


class StaffMessageForm(forms.Form):
    thread = forms.TypedChoiceField(label="Destinataire", coerce=int, empty_value=None, required=False)
    body = forms.CharField(label="Message", widget=forms.Textarea(attrs={"rows": 3, "cols": 60}))

    def __init__(self, *args, threads=(), **kwargs):
        """`threads`: the orientations whose structure staff may write to."""
        super().__init__(*args, **kwargs)
        self.fields["thread"].choices = [("", "Le porteur (lu par le porteur et l'équipe)")] + [
            (orientation.pk, f"{orientation.organisation.name} seulement (lu par la structure et l'équipe)")
            for orientation in threads
        ]


class IntakeRequestChangeList(ChangeList):
    """The list reads only what it shows: not the long texts of each request."""

    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        return queryset.defer("description", "consent_text", "guide_summary", "search_text")


@admin.register(IntakeRequest)
class IntakeRequestAdmin(SuggestionsAdminMixin, QuickCheckboxMixin, WorkflowAdminMixin, admin.ModelAdmin):
    workflow = services.REQUEST_WORKFLOW
    staff_targets = services.STAFF_TARGETS
    change_form_template = "admin/accueil/intakerequest/change_form.html"
    list_display = [
        "reference",
        "full_name",
        "title",
        "activity_commune",
        "status",
        "assigned_to",
        "filed_on",
        "stale",
    ]
    list_filter = [
        AssignedFilter,
        AwaitingStaffFilter,
        StaleFilter,
        "status",
        "stage",
        ("activity_commune__parent", EpciListFilter),
        ("activity_commune", CommuneListFilter),
        "outcome",
    ]
    search_fields = ["reference", "first_name", "last_name", "email", "title"]
    list_select_related = ["activity_commune", "assigned_to"]
    show_full_result_count = False
    paginator = CappedPaginator
    list_per_page = 50
    actions = ["assign_to_me"]
    inlines = [
        OrientationInline,
        RequestReferenceInline,
        MessageInline,
        InternalNoteInline,
        AttachmentInline,
        ParticipantInline,
        RequestTransitionInline,
        RequestAssignmentInline,
    ]
    readonly_fields = [
        "reference", "status", "assigned_to", "outcome", "first_name", "last_name", "email", "phone", "commune",
        "title", "description", "sector", "naf_activity", "activity_commune", "stage", "legal_form_kind", "legal_form",
        "siret",
        "needs_display", "guide_summary",
        "consent_text", "consent_at", "created_at", "last_activity_at", "closed_at", "duplicates", "downloads",
    ]  # fmt: skip
    fieldsets = (
        ("Suivi", {"fields": ("reference", "status", "outcome", "assigned_to", "duplicates")}),
        ("Porteur de projet", {"fields": ("first_name", "last_name", "email", "phone", "commune")}),
        (
            "Projet",
            {
                "fields": (
                    "title",
                    "description",
                    "sector",
                    "naf_activity",
                    "activity_commune",
                    "stage",
                    "legal_form_kind",
                    "legal_form",
                    "siret",
                )
            },
        ),
        ("Besoins", {"fields": ("needs_display", "guide_summary")}),
        (
            "Dates et consentement",
            {"fields": ("created_at", "last_activity_at", "closed_at", "consent_text", "consent_at")},
        ),
    )

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and request.user.has_perm("accueil.view_documentdownload"):
            fieldsets = (*fieldsets, ("Téléchargements des documents par les structures", {"fields": ("downloads",)}))
        return fieldsets

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # Nobody deletes a request: a superuser erases it (erase_view), which removes the
        # personal data and the files and keeps the row for the figures and an audit row.
        return False

    def delete_view(self, request, object_id, extra_context=None):
        if not request.user.is_superuser:
            raise PermissionDenied
        return redirect(reverse("admin:accueil_intakerequest_erase", args=[object_id]))

    def get_changelist(self, request, **kwargs):
        return IntakeRequestChangeList

    def get_search_results(self, request, queryset, search_term):
        """Every word (or "quoted phrase") must appear in the reference, names, email or
        title, accents and case ignored; on PostgreSQL through the trigram index of
        `search_text`, the words folded by the same lower(unaccent()) as the column."""
        if connection.vendor != "postgresql":
            return super().get_search_results(request, queryset, search_term)
        for bit in smart_split(search_term):
            if bit[:1] in {'"', "'"} and bit[-1:] == bit[:1] and len(bit) > 1:
                bit = unescape_string_literal(bit)
            if bit.strip():
                folded = Lower(Func(Value(bit.strip()), function="unaccent"))
                queryset = queryset.filter(search_text__contains=folded)
        return queryset, False

    @admin.display(description="doublons probables")
    def duplicates(self, obj):
        found = services.likely_duplicates(obj) if obj.pk else []
        if not found:
            return "Aucun"
        return format_html_join(
            mark_safe("<br>"),
            '<a href="{}">{}</a> — {} ({}, {})',
            (
                (
                    reverse("admin:accueil_intakerequest_change", args=[other.pk]),
                    other.reference,
                    other.title,
                    other.get_status_display(),
                    french_date(other.created_at),
                )
                for other in found
            ),
        )

    @admin.display(description="journal")
    def downloads(self, obj):
        """Who took which of the holder's documents, and when (accueil.DocumentDownload)."""
        rows = selectors.document_downloads(obj)
        if not rows:
            return "Aucun document téléchargé par une structure."
        body = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    download.attachment.original_name if download.attachment else "Document supprimé depuis",
                    download.orientation.organisation.name,
                    download.user or "Lien privé de la structure",
                    french_datetime(download.downloaded_at),
                )
                for download in rows
            ),
        )
        return format_html(
            '<table class="downloads"><caption>{}</caption><thead><tr><th scope="col">Document</th>'
            '<th scope="col">Structure</th><th scope="col">Par</th><th scope="col">Le</th></tr></thead>'
            "<tbody>{}</tbody></table>",
            f"{len(rows)} téléchargement{'s' if len(rows) > 1 else ''}, le plus récent d'abord",
            body,
        )

    @admin.display(description="déposée le", ordering="created_at")
    def filed_on(self, obj):
        return french_short_date(obj.created_at)

    @admin.display(description="besoins")
    def needs_display(self, obj):
        needs = ", ".join(obj.get_needs_display())
        # A kind of request another area adds (lib.intake_kinds) says whom to orient it to.
        guidance = [
            (kind.label, kind.help_text, ", ".join(kind.partner_names)) for kind in intake_kinds.kinds_in(obj.needs)
        ]
        if not guidance:
            return needs
        return format_html(
            '{}<ul class="mb-0">{}</ul>',
            needs,
            format_html_join("", "<li>« {} » : {} À orienter vers : {}.</li>", guidance),
        )

    @admin.display(description="porteur")
    def full_name(self, obj):
        return obj.full_name

    @admin.display(description="sans action")
    def stale(self, obj):
        days = (timezone.now() - obj.last_activity_at).days
        if obj.status in services.OPEN_STATES and days > settings.STALE_REQUEST_DAYS:
            return format_html('<strong class="stale">{} jours</strong>', days)
        return ""

    @admin.action(description="M'attribuer les demandes sélectionnées", permissions=["change"])
    def assign_to_me(self, request, queryset):
        count = 0
        try:
            for intake in queryset.select_related(None).only("pk", "assigned_to"):
                count += services.assign_request(intake=intake, to=request.user, by=request.user) is not None
        except services.IntakeError as error:
            self.message_user(request, str(error), messages.ERROR)
            return
        self.message_user(request, f"{count} demande(s) vous sont attribuées.")

    def save_formset(self, request, form, formset, change):
        if formset.model is not InternalNote:
            return super().save_formset(request, form, formset, change)
        # New notes are signed by whoever writes them; only a superuser may change or
        # delete a saved one (InternalNoteInline), so only theirs reach the last two loops.
        formset.save(commit=False)
        for index, note in enumerate(formset.new_objects):
            formset.new_objects[index] = services.add_internal_note(
                intake=form.instance, by=request.user, body=note.body
            )
        for note, _fields in formset.changed_objects:
            note.save(update_fields=["body"])
        for note in formset.deleted_objects:
            note.delete()

    change_list_template = "admin/accueil/intakerequest/change_list.html"

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:object_id>/message/", view(self.message_view), name="accueil_intakerequest_message"),
            path("<int:object_id>/attribuer/", view(self.assign_view), name="accueil_intakerequest_assign"),
            path("<int:object_id>/orienter/", view(self.orient_view), name="accueil_intakerequest_orient"),
            path("<int:object_id>/effacer/", view(self.erase_view), name="accueil_intakerequest_erase"),
            path("tableau-de-bord/", view(self.dashboard_view), name="accueil_intakerequest_dashboard"),
            path("export.csv", view(self.export_view), name="accueil_intakerequest_export"),
            path("rapport-fse/", view(self.fse_view), name="accueil_intakerequest_fse"),
            *super().get_urls(),
        ]

    def _period(self, request):
        return read_period(request.GET)

    def _page(self, request, template, **context):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return TemplateResponse(
            request,
            template,
            {**self.admin_site.each_context(request), "opts": self.model._meta, **context},
        )

    def dashboard_view(self, request):
        form, period = self._period(request)
        return self._page(
            request,
            "admin/accueil/intakerequest/dashboard.html",
            title="Tableau de bord de l'accueil",
            form=form,
            data=selectors.dashboard(period),
            export_form=ExportForm(),
            stale_days=settings.STALE_REQUEST_DAYS,
            query=request.GET.urlencode(),
        )

    def fse_view(self, request):
        form, period = self._period(request)
        report = selectors.fse_report(period)
        if request.GET.get("format") == "csv" and self.has_view_permission(request):
            rows = [["Indicateur", "Modalité", "Participants"], ["Demandes déposées", "", report["requests"]]]
            rows += [
                [section["title"], label, count] for section in report["sections"] for label, count in section["rows"]
            ]
            return csv_response("rapport-fse-participants.csv", rows)
        return self._page(
            request,
            "admin/accueil/intakerequest/rapport_fse.html",
            title="Rapport participants FSE",
            form=form,
            report=report,
            query=request.GET.urlencode(),
        )

    def export_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        export = ExportForm(request.GET)
        _form, period = self._period(request)
        if not export.is_valid():
            self.message_user(request, "Choisissez au moins une colonne à exporter.", messages.ERROR)
            return redirect(reverse("admin:accueil_intakerequest_dashboard"))
        columns = [selectors.EXPORT_COLUMNS[key] for key in export.cleaned_data["colonnes"]]

        def lines():
            writer = streaming_writer()
            yield "\ufeff" + writer.writerow([header for header, _value in columns])
            for intake in selectors.export_queryset(period).iterator(chunk_size=2000):
                yield writer.writerow([safe_cell(value(intake)) for _header, value in columns])

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="demandes-accompagnement.csv"'
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "message_form": StaffMessageForm(
                threads=services.holder_threads(IntakeRequest(pk=int(object_id))) if str(object_id).isdigit() else ()
            ),
            "outcomes": IntakeRequest.Outcome.choices,
            "can_erase": request.user.is_superuser,
            "assign_form": AssignForm(initial={"assignee": request.user.pk}),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def erase_view(self, request, object_id):
        """A superuser erases a request at the person's demand (RGPD), after confirming
        and giving a reason: see services.erase_request."""
        if not request.user.is_superuser:
            raise PermissionDenied
        intake = get_object_or_404(IntakeRequest, pk=object_id)
        form = ErasureForm(**submitted(request))
        if request.method == "POST" and form.is_valid():
            try:
                services.erase_request(intake=intake, by=request.user, reason=form.cleaned_data["reason"])
            except services.IntakeError as error:
                form.add_error(None, str(error))
            else:
                intake.refresh_from_db()
                identity = (
                    "l'identité de la personne anonymisée"
                    if intake.anonymised_at
                    else f"l'identité et les données FSE conservées jusqu'au {french_date(fse_hold_until())} "
                    "(obligation de conservation du FSE)"
                )
                self.message_user(
                    request,
                    f"La demande {intake.reference} est effacée : ses documents, messages et notes sont "
                    f"supprimés et {identity}. L'effacement est journalisé.",
                    messages.SUCCESS,
                )
                return redirect(reverse("admin:accueil_intakerequest_change", args=[intake.pk]))
        return self._page(
            request,
            "admin/accueil/intakerequest/effacer.html",
            title=f"Effacer la demande {intake.reference}",
            intake=intake,
            form=form,
            documents=intake.attachments.count(),
            will_withdraw=intake.status in services.OPEN_STATES,
            fse_hold_until=(
                fse_hold_until() if services.is_fse_record(intake) and not services.fse_hold_is_over() else None
            ),
        )

    def perform(self, intake, target, *, by, comment, request):
        outcome = request.POST.get("outcome", "") if target == IntakeRequest.Status.CLOSED else ""
        services.transition_request(intake=intake, target=target, by=by, comment=comment, outcome=outcome)

    def assign_view(self, request, object_id):
        """Hand a request to another accueil staff member (or take it): recorded in its history."""
        intake = get_object_or_404(IntakeRequest, pk=object_id)
        if request.method != "POST" or not self.has_change_permission(request, intake):
            raise PermissionDenied
        form = AssignForm(request.POST)
        if not form.is_valid():
            self.message_user(request, " ".join(form.errors["assignee"]), messages.ERROR)
        else:
            to = form.cleaned_data["assignee"]
            try:
                done = services.assign_request(intake=intake, to=to, by=request.user)
            except services.IntakeError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                who = "vous" if to == request.user else (to.get_full_name() or to.email)
                text = f"La demande est attribuée à {who}." if done else f"La demande était déjà attribuée à {who}."
                self.message_user(request, text, messages.SUCCESS)
        return redirect(reverse("admin:accueil_intakerequest_change", args=[intake.pk]))

    def message_view(self, request, object_id):
        intake = get_object_or_404(IntakeRequest, pk=object_id)
        if request.method != "POST" or not self.has_change_permission(request, intake):
            raise PermissionDenied
        threads = services.holder_threads(intake)
        form = StaffMessageForm(request.POST, threads=threads)
        if not form.is_valid():
            self.message_user(request, "Le message est vide ou son destinataire inconnu.", messages.ERROR)
            return redirect(reverse("admin:accueil_intakerequest_change", args=[intake.pk]))
        thread = form.cleaned_data["thread"]
        try:
            services.send_staff_message(
                intake=intake, by=request.user, body=form.cleaned_data["body"], orientation_id=thread
            )
        except services.IntakeError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            oriented = next((orientation for orientation in threads if orientation.pk == thread), None)
            if oriented is not None and not structure_recipients(oriented.organisation):
                self.message_user(
                    request,
                    f"Message enregistré, mais {oriented.organisation.name} n'a ni adresse électronique publiée "
                    "ni membre ayant un compte : personne n'est prévenu par courriel. Complétez sa fiche.",
                    messages.WARNING,
                )
            else:
                who = oriented.organisation.name if oriented is not None else "le porteur"
                self.message_user(request, f"Message envoyé : {who} est prévenu par courriel.", messages.SUCCESS)
        return redirect(reverse("admin:accueil_intakerequest_change", args=[intake.pk]))

    def orient_view(self, request, object_id):
        """Recommended support structures with their reasons on top, any other published one
        found by a search; the staff see the email each structure will receive, then send."""
        intake = get_object_or_404(IntakeRequest.objects.select_related("activity_commune__parent"), pk=object_id)
        if not self.has_change_permission(request, intake):
            raise PermissionDenied
        recommendations = orientation_service.recommend(intake)
        recommended = [rec.organisation for rec in recommendations]
        form = OrientForm(**submitted(request), intake=intake, recommended=recommended, admin_site=self.admin_site)
        context = {"intake": intake, "recommendations": recommendations, "form": form}
        # « Modifier le choix » comes back from the preview to this page, the choice kept.
        if request.method == "POST" and request.POST.get("etape") != "modifier" and form.is_valid():
            reasons = {rec.organisation.pk: " ".join(rec.reasons) for rec in recommendations}
            chosen = form.cleaned_data["chosen"]
            why = {organisation.pk: reasons.get(organisation.pk, "") for organisation in chosen}
            if request.POST.get("etape") == "envoyer":
                try:
                    orientation_service.orient(intake=intake, organisations=chosen, by=request.user, why=why)
                except WorkflowError as error:
                    self.message_user(request, str(error), messages.ERROR)
                else:
                    self.message_user(request, f"{len(chosen)} orientation(s) envoyée(s).", messages.SUCCESS)
                    return redirect(reverse("admin:accueil_intakerequest_change", args=[intake.pk]))
            else:
                previews = []
                for organisation in chosen:
                    subject, text, _html = render_email(
                        template=orientation_service.ORIENTATION_EMAIL,
                        context=orientation_service.orientation_email_context(
                            intake=intake,
                            organisation=organisation,
                            why=why[organisation.pk],
                            # As orient() will compute it, for an orientation sent now.
                            answer_by=timezone.now() + timedelta(days=settings.ORIENTATION_EXPIRY_DAYS),
                            url="[lien privé vers la page de l'orientation, créé à l'envoi]",
                        ),
                    )
                    previews.append(
                        {
                            "organisation": organisation,
                            "recipients": structure_recipients(organisation),
                            "subject": subject,
                            "text": text,
                        }
                    )
                return self._page(
                    request,
                    "admin/accueil/intakerequest/orienter_apercu.html",
                    title=f"Vérifier les orientations de la demande {intake.reference}",
                    previews=previews,
                    **context,
                )
        return self._page(
            request,
            "admin/accueil/intakerequest/orienter.html",
            title=f"Orienter la demande {intake.reference}",
            **context,
        )


class OrientationTransitionInline(TransitionInline):
    model = OrientationTransition


class OrientationDeadlineFilter(admin.SimpleListFilter):
    """The « Relances dues » of the admin home: orientations of open requests past their
    reminder's moment, or expiring soon, by the daily job's schedule."""

    title = "échéance"
    parameter_name = "echeance"

    def lookups(self, request, model_admin):
        return [
            ("relance", "Sans réponse après la date de relance"),
            ("expiration", f"Expire d'ici {settings.ORIENTATION_EXPIRY_WARNING_DAYS} jours"),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        deadline = {
            "relance": orientation_service.reminder_passed(now),
            "expiration": orientation_service.expiring_within(now, settings.ORIENTATION_EXPIRY_WARNING_DAYS),
        }.get(self.value())
        if deadline is None:
            return queryset
        return queryset.filter(deadline, request__status__in=services.OPEN_STATES)


@admin.register(Orientation)
class OrientationAdmin(admin.ModelAdmin):
    list_display = ["request", "organisation", "status", "sent_at", "answered_at", "reminded_at"]
    list_filter = [OrientationDeadlineFilter, "status", "refusal_reason"]
    search_fields = ["request__reference", "organisation__name"]
    list_select_related = ["request", "organisation"]
    readonly_fields = [
        "request", "organisation", "status", "why", "refusal_reason", "partner_message", "outcome_report",
        "created_by", "created_at", "sent_at", "answered_at", "reminded_at",
    ]  # fmt: skip
    inlines = [OrientationTransitionInline]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(RequestErasure)
class RequestErasureAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The audit trail of erasures: read-only for everyone, superusers included."""

    list_display = ["reference", "erased_at", "erased_by", "documents_deleted"]
    search_fields = ["reference"]
    list_select_related = ["erased_by"]
    fields = ["reference", "request", "erased_at", "erased_by", "reason", "documents_deleted"]
    readonly_fields = fields
