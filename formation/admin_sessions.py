"""Admin of trainings, trainers, sessions, registrations, attendance and certificates.

A session's page shows its places (capacity, taken, waiting list in order, offers running)
and leads to the pages that read its registrations — the attendance grid, the attendance
sheet, the list's export — which live on the registrations' admin: whoever reads them must
be allowed to read trainees' details, not only the session (cress/access.py).
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from formation import attendance, documents, registrations
from formation.models import (
    AssessmentResult,
    Audience,
    HalfDay,
    Registration,
    RegistrationGroup,
    RegistrationTransition,
    Session,
    Trainer,
    Training,
)
from formation.workflows import REGISTRATION_WORKFLOW
from lib.admin import CappedPaginator, LabelledFileInputsMixin, QuickCheckboxMixin, TransitionInline, WorkflowAdminMixin
from lib.dates import french_datetime, french_short_date
from lib.richtext import clean_html
from lib.spreadsheet import safe_cell, streaming_writer, xlsx_bytes
from lib.workflow import WorkflowError

Status = Registration.Status


# --- Trainers and trainings ---------------------------------------------------------------


@admin.register(Trainer)
class TrainerAdmin(admin.ModelAdmin):
    list_display = ["__str__", "organisation_name", "email", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["first_name", "last_name", "email", "organisation_name"]


class TrainingAdminForm(forms.ModelForm):
    audiences = forms.MultipleChoiceField(
        label="Publics", choices=Audience.choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = Training
        fields = [
            "title", "slug", "status", "theme", "audiences", "summary", "objectives", "programme", "prerequisites",
            "teaching_methods", "assessment", "duration_hours", "modality", "price", "funding", "accessibility",
            "what_to_bring", "rome_fiches",
        ]  # fmt: skip

    def clean_programme(self):
        programme = clean_html(self.cleaned_data["programme"])
        if not programme.strip():
            raise forms.ValidationError("Décrivez le programme de la formation.")
        return programme


@admin.register(Training)
class TrainingAdmin(admin.ModelAdmin):
    form = TrainingAdminForm
    list_display = ["title", "theme", "modality", "duration_hours", "price", "status"]
    list_filter = ["status", "theme", "modality"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["updated_at"]
    autocomplete_fields = ["rome_fiches"]
    fieldsets = (
        (None, {"fields": ("title", "slug", "status", "theme", "audiences", "summary", "rome_fiches")}),
        ("Contenu", {"fields": ("objectives", "programme", "prerequisites", "teaching_methods", "assessment")}),
        ("Organisation", {"fields": ("duration_hours", "modality", "price", "funding", "accessibility",
                                     "what_to_bring", "updated_at")}),
    )  # fmt: skip

    def has_delete_permission(self, request, obj=None):
        return False  # archived, never deleted: its sessions and certificates refer to it


# --- Sessions -----------------------------------------------------------------------------


class HalfDayInline(admin.TabularInline):
    """Made from the session's dates when it is saved: read here, never edited by hand."""

    model = HalfDay
    extra = 0
    can_delete = False
    fields = ["date", "period"]
    readonly_fields = fields
    verbose_name_plural = "Demi-journées (calculées à partir des dates de la session)"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class SessionAdminForm(forms.ModelForm):
    class Meta:
        model = Session
        fields = [
            "training", "starts_at", "ends_at", "trainer", "commune", "address", "access_notes",
            "online_url", "capacity", "offer_hours", "allow_groups",
        ]  # fmt: skip

    def clean(self):
        data = super().clean()
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", "La fin de la session doit venir après son début.")
        capacity = data.get("capacity")
        if self.instance.pk and capacity:
            taken = registrations.places_taken(self.instance)
            if capacity < taken:
                self.add_error(
                    "capacity",
                    f"{taken} places sont déjà prises (offres en cours comprises) : la capacité ne peut descendre "
                    f"sous {taken}. Annulez ou déplacez d'abord des inscriptions.",
                )
        return data


def can_read_trainees(request) -> bool:
    return request.user.has_perm("formation.view_registration")


class SessionActionForm(ActionForm):
    """The list's action bar, with the reason written to the people of a cancelled session."""

    reason = forms.CharField(label="Motif (annulation)", required=False, max_length=300)


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    form = SessionAdminForm
    action_form = SessionActionForm
    actions = ["cancel_sessions"]
    readonly_fields = ["status"]
    change_form_template = "admin/formation/session/change_form.html"
    list_display = ["training", "starts", "commune", "trainer", "capacity", "taken", "waiting", "status"]
    list_filter = ["status", "training", "trainer"]
    search_fields = ["training__title", "commune__name", "address"]
    list_select_related = ["training", "commune", "trainer"]
    date_hierarchy = "starts_at"
    inlines = [HalfDayInline]
    fieldsets = (
        (None, {"fields": ("training", "status", "starts_at", "ends_at", "trainer")}),
        ("Lieu", {"fields": ("commune", "address", "access_notes", "online_url")}),
        ("Places", {"fields": ("capacity", "offer_hours", "allow_groups")}),
    )

    def get_queryset(self, request):
        holding = Q(registrations__status__in=Registration.HOLDING)
        return (
            super()
            .get_queryset(request)
            .annotate(
                taken_count=Count("registrations", filter=holding),
                waiting_count=Count("registrations", filter=Q(registrations__status=Status.WAITING)),
            )
        )

    @admin.display(description="début", ordering="starts_at")
    def starts(self, obj):
        return french_datetime(obj.starts_at)

    @admin.display(description="places prises")
    def taken(self, obj):
        return f"{obj.taken_count} / {obj.capacity}"

    @admin.display(description="liste d'attente")
    def waiting(self, obj):
        return obj.waiting_count

    @admin.action(description="Annuler la session et prévenir les personnes inscrites", permissions=["change"])
    def cancel_sessions(self, request, queryset):
        reason = request.POST.get("reason", "")
        for session in queryset:
            try:
                told = registrations.cancel_session(session=session, by=request.user, reason=reason)
            except WorkflowError as error:
                self.message_user(request, f"{session} : {error}", messages.ERROR)
            else:
                self.message_user(request, f"{session} : annulée, {told} personne(s) prévenue(s) par courriel.")

    def has_delete_permission(self, request, obj=None):
        # Cancelled through its state; deleting is refused by the database once people registered.
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        # A new capacity goes through the registration service, under the session's lock:
        # places added are offered to the waiting list at once.
        new_capacity = obj.capacity
        capacity_changed = change and "capacity" in form.changed_data
        if capacity_changed:
            obj.capacity = form.initial["capacity"]
        super().save_model(request, obj, form, change)
        if capacity_changed:
            try:
                offers = registrations.change_capacity(session=obj, capacity=new_capacity, by=request.user)
            except WorkflowError as error:  # places taken since the form was checked
                self.message_user(request, str(error), messages.ERROR)
                offers = []
            if offers:
                self.message_user(
                    request,
                    f"{len(offers)} place(s) proposée(s) aux premières personnes de la liste d'attente, "
                    "prévenues par courriel.",
                    messages.SUCCESS,
                )
        changes = attendance.sync_half_days(session=obj)
        if changes.attendance_lost:
            self.message_user(
                request,
                f"Les dates ont changé : {changes.deleted} demi-journée(s) supprimée(s) avec les "
                f"{changes.attendance_lost} présence(s) relevée(s) pour elles ; les autres présences sont gardées.",
                messages.WARNING,
            )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        session = self.get_object(request, object_id)
        if session is not None:
            extra_context["places"] = session_places(session, with_people=can_read_trainees(request))
        return super().change_view(request, object_id, form_url, extra_context)


def session_places(session: Session, *, with_people: bool) -> dict:
    """The session page's account of its places: two queries (three with the people)."""
    counts = dict(
        session.registrations.values_list("status").annotate(n=Count("pk")).order_by().values_list("status", "n")
    )
    taken = sum(counts.get(state, 0) for state in Registration.HOLDING)
    places = {
        "capacity": session.capacity,
        "taken": taken,
        "left": max(session.capacity - taken, 0),
        "offered": counts.get(Status.OFFERED, 0),
        "waiting": counts.get(Status.WAITING, 0),
        "half_days": session.half_days.count(),
        "with_people": with_people,
    }
    if with_people:
        people = list(
            session.registrations.filter(status__in=(Status.WAITING, Status.OFFERED))
            .only("pk", "session_id", "first_name", "last_name", "status", "waiting_since", "offer_expires_at")
            .order_by("waiting_since", "pk")
        )
        places["offers"] = [r for r in people if r.status == Status.OFFERED]
        places["waiting_list"] = [r for r in people if r.status == Status.WAITING]
    return places


# --- Registrations ------------------------------------------------------------------------


class SessionFilter(admin.SimpleListFilter):
    """The most recent sessions first, read in one query (a session's name holds its training)."""

    title = "session"
    parameter_name = "session"
    shown = 60

    def lookups(self, request, model_admin):
        recent = Session.objects.select_related("training").order_by("-starts_at")[: self.shown]
        return [(str(session.pk), str(session)) for session in recent]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(session_id=int(self.value()))
        return queryset


class RegistrationTransitionInline(TransitionInline):
    model = RegistrationTransition

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")


class AttendanceForm(forms.Form):
    """The grid's cells arrive as `p-<registration>-<half-day>` checkboxes and `r-<registration>`
    assessment results; only the expected people and the session's half-days are read."""

    def __init__(self, data, *, grid: attendance.AttendanceGrid):
        super().__init__(data)
        self.grid = grid

    def clean(self):
        present = set()
        results = {}
        for registration in self.grid.registrations:
            for half_day in self.grid.half_days:
                if self.data.get(f"p-{registration.pk}-{half_day.pk}"):
                    present.add((registration.pk, half_day.pk))
            result = self.data.get(f"r-{registration.pk}")
            if result is not None:
                if result not in ("", *AssessmentResult.values):
                    raise forms.ValidationError(f"Résultat d'évaluation inconnu pour {registration.full_name}.")
                results[registration.pk] = result
        return {"present": present, "results": results}


class MoveForm(forms.Form):
    use_required_attribute = False  # drawn inside the registration's form: « Enregistrer » must not need it
    to_session = forms.ModelChoiceField(
        label="Déplacer vers la session",
        queryset=Session.objects.none(),
        empty_label="— choisir une session à venir —",
        error_messages={
            "required": "Choisissez la session vers laquelle déplacer la personne.",
            "invalid_choice": "Cette session n'accepte plus d'inscription : choisissez une session à venir.",
        },
    )

    def __init__(self, *args, registration: Registration, **kwargs):
        super().__init__(*args, **kwargs)
        # The same training's sessions first, then the others; all planned and to come.
        self.fields["to_session"].queryset = (
            Session.objects.filter(status=Session.Status.PLANNED, starts_at__gt=timezone.now())
            .exclude(pk=registration.session_id)
            .select_related("training")
            .order_by("training__title", "starts_at")
        )


EXPORT_HEADERS = [
    "Nom", "Prénom", "Adresse électronique", "Téléphone", "Fonction", "Structure", "État", "Inscrite le",
    "En liste d'attente depuis", "Besoin d'adaptation", "Demi-journées de présence", "Évaluation des acquis",
    "N° d'attestation",
]  # fmt: skip
# The list's order: who is expected, alphabetically; then the waiting list in its order; then the others.
EXPORT_ORDER = {Status.REGISTERED: 0, Status.CONFIRMED: 0, Status.PRESENT: 0, Status.ABSENT: 0, Status.OFFERED: 1,
                Status.WAITING: 2, Status.CANCELLED: 3}  # fmt: skip


def export_rows(session: Session) -> list[list]:
    """The session's whole list, one line per registration: two queries."""
    registrations = list(
        session.registrations.annotate(attended=Count("attendances", filter=Q(attendances__present=True)))
    )

    def order(registration):
        group = EXPORT_ORDER[registration.status]
        if registration.status in (Status.WAITING, Status.OFFERED):
            return (group, registration.waiting_since or registration.created_at, "", "", registration.pk)
        return (group, 0, registration.last_name.lower(), registration.first_name.lower(), registration.pk)

    registrations.sort(key=order)
    return [
        [
            r.last_name,
            r.first_name,
            r.email,
            r.phone,
            r.job_title,
            r.organisation_name,
            r.get_status_display(),
            french_datetime(r.created_at),
            french_datetime(r.waiting_since) if r.waiting_since else "",
            r.needs_adaptation,
            r.attended,
            r.get_assessment_result_display(),
            r.certificate_number or "",
        ]
        for r in registrations
    ]


@admin.register(Registration)
class RegistrationAdmin(QuickCheckboxMixin, LabelledFileInputsMixin, WorkflowAdminMixin, admin.ModelAdmin):
    workflow = REGISTRATION_WORKFLOW
    # Staff's buttons: confirm, attendance, and cancelling through the registration services
    # (the place freed goes to the waiting list, the person is emailed). Offers are made by
    # those services and their sweep, not by hand.
    staff_targets = {Status.CONFIRMED, Status.PRESENT, Status.ABSENT, Status.CANCELLED}
    change_form_template = "admin/formation/registration/change_form.html"
    list_display = ["full_name", "session", "status", "organisation_name", "created", "certificate_number"]
    list_filter = ["status", SessionFilter, "session__training"]
    search_fields = ["last_name", "first_name", "email", "organisation_name", "=certificate_number"]
    list_select_related = ["session__training"]
    paginator = CappedPaginator
    show_full_result_count = False
    list_per_page = 50
    actions = ["send_certificates"]
    inlines = [RegistrationTransitionInline]
    readonly_fields = [
        "session", "group", "status", "waiting_since", "offer_expires_at", "certificate_number", "certificate_link",
        "certificate_issued_at", "consent_text", "consent_at", "created_at", "anonymised_at",
    ]  # fmt: skip
    fieldsets = (
        ("Inscription", {"fields": ("session", "group", "status", "waiting_since", "offer_expires_at", "created_at")}),
        ("Personne", {"fields": ("first_name", "last_name", "email", "phone", "job_title", "organisation",
                                 "organisation_name", "needs_adaptation")}),
        ("Fin de formation", {"fields": ("assessment_result", "certificate_number", "certificate_link",
                                         "certificate_issued_at")}),
        ("Consentement", {"fields": ("consent_text", "consent_at", "anonymised_at")}),
    )  # fmt: skip
    raw_id_fields = ["organisation"]

    def has_add_permission(self, request):
        return False  # a place is taken through the registration services (capacity, waiting list)

    def has_delete_permission(self, request, obj=None):
        return False  # cancelled through the workflow, anonymised by the retention job

    @admin.display(description="inscrite le", ordering="created_at")
    def created(self, obj):
        return french_short_date(obj.created_at)

    @admin.display(description="attestation (PDF)")
    def certificate_link(self, obj):
        if not obj.certificate_file:
            return "—"
        url = reverse("admin:formation_registration_certificate", args=[obj.pk])
        return format_html('<a href="{}">Télécharger l\'attestation n° {}</a>', url, obj.certificate_number)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("session/<int:session_id>/presences/", view(self.attendance_view),
                 name="formation_registration_attendance"),
            path("session/<int:session_id>/emargement.pdf", view(self.sheet_view),
                 name="formation_registration_sheet"),
            path("session/<int:session_id>/liste.csv", view(self.export_csv_view),
                 name="formation_registration_export_csv"),
            path("session/<int:session_id>/liste.xlsx", view(self.export_xlsx_view),
                 name="formation_registration_export_xlsx"),
            path("session/<int:session_id>/attestations/", view(self.session_certificates_view),
                 name="formation_registration_session_certificates"),
            path("<int:object_id>/attestation.pdf", view(self.certificate_view),
                 name="formation_registration_certificate"),
            path("<int:object_id>/deplacer/", view(self.move_view), name="formation_registration_move"),
            *super().get_urls(),
        ]  # fmt: skip

    # Workflow buttons ---------------------------------------------------------------------

    def perform(self, registration, target, *, by, comment, request):
        if target not in self.staff_targets:
            raise WorkflowError("Ce changement d'état passe par les services d'inscription.")
        if target == Status.CANCELLED:
            registrations.cancel_registration(registration, by=by, comment=comment or "Annulée par l'équipe.")
            return (
                f"L'inscription de {registration.full_name} est annulée : la personne est prévenue par courriel ; "
                "une place libérée est proposée à la première personne de la liste d'attente."
            )
        attendance.mark_registration(registration=registration, target=target, by=by, comment=comment)
        return f"{registration.full_name} : {Status(target).label.lower()}."

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        registration = self.get_object(request, object_id)
        if registration is not None and registration.status in registrations.ACTIVE:
            extra_context["move_form"] = MoveForm(registration=registration)
        return super().change_view(request, object_id, form_url, extra_context)

    def move_view(self, request, object_id):
        """Move the person to another session (registrations.move_registration)."""
        registration = get_object_or_404(Registration, pk=object_id)
        if request.method != "POST" or not self.has_change_permission(request, registration):
            raise PermissionDenied
        form = MoveForm(request.POST, registration=registration)
        if not form.is_valid():
            self.message_user(
                request, " ".join(form.errors.get("to_session", ["Choisissez une session."])), messages.ERROR
            )
            return redirect(reverse("admin:formation_registration_change", args=[registration.pk]))
        try:
            moved = registrations.move_registration(
                registration, to_session=form.cleaned_data["to_session"], by=request.user
            )
        except WorkflowError as error:
            self.message_user(request, str(error), messages.ERROR)
            return redirect(reverse("admin:formation_registration_change", args=[registration.pk]))
        self.message_user(
            request,
            f"{moved.full_name} est déplacée vers la session « {moved.session} » : elle reçoit la confirmation par "
            "courriel ; sa place dans l'ancienne session est proposée à la liste d'attente.",
            messages.SUCCESS,
        )
        return redirect(reverse("admin:formation_registration_change", args=[moved.pk]))

    # Certificates -------------------------------------------------------------------------

    def _request_certificates(self, request, registrations):
        asked = documents.request_certificates(registrations=registrations)
        for refusal in asked.refused:
            self.message_user(request, refusal, messages.ERROR)
        if asked.queued:
            self.message_user(
                request,
                f"{len(asked.queued)} attestation(s) en cours d'établissement : chaque personne la reçoit par "
                "courriel avec un lien personnel pour la télécharger.",
                messages.SUCCESS,
            )

    @admin.action(description="Établir et envoyer les attestations", permissions=["change"])
    def send_certificates(self, request, queryset):
        self._request_certificates(request, queryset.select_related("session"))

    def session_certificates_view(self, request, session_id):
        session = get_object_or_404(Session, pk=session_id)
        if request.method != "POST" or not self.has_change_permission(request):
            raise PermissionDenied
        self._request_certificates(request, session.registrations.filter(status__in=attendance.EXPECTED))
        return redirect(reverse("admin:formation_registration_attendance", args=[session.pk]))

    def certificate_view(self, request, object_id):
        registration = get_object_or_404(Registration, pk=object_id)
        if not self.has_view_permission(request, registration) or not registration.certificate_file:
            raise PermissionDenied
        response = HttpResponse(registration.certificate_file.read(), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="attestation-{registration.certificate_number}.pdf"'
        return response

    # The session's pages ------------------------------------------------------------------

    def _session(self, request, session_id) -> Session:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(Session.objects.select_related("training", "trainer", "commune"), pk=session_id)

    def attendance_view(self, request, session_id):
        """The grid: people × half-days, recorded for the whole session at once."""
        session = self._session(request, session_id)
        can_record = request.user.has_perm("formation.change_attendance") and self.has_change_permission(request)
        grid = attendance.attendance_grid(session)
        if request.method == "POST":
            if not can_record:
                raise PermissionDenied
            form = AttendanceForm(request.POST, grid=grid)
            if not form.is_valid():
                for error in form.non_field_errors():
                    self.message_user(request, error, messages.ERROR)
            else:
                try:
                    outcome = attendance.record_attendance(
                        session=session,
                        present=form.cleaned_data["present"],
                        results=form.cleaned_data["results"],
                        by=request.user,
                    )
                except WorkflowError as error:
                    self.message_user(request, str(error), messages.ERROR)
                else:
                    for refusal in outcome.refused:
                        self.message_user(request, refusal, messages.WARNING)
                    self.message_user(
                        request,
                        f"Présences enregistrées : {outcome.marked_present} personne(s) présente(s), "
                        f"{outcome.marked_absent} absente(s).",
                        messages.SUCCESS,
                    )
            return redirect(reverse("admin:formation_registration_attendance", args=[session.pk]))
        return TemplateResponse(
            request,
            "admin/formation/registration/presences.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": f"Présences — {session}",
                "session": session,
                "grid": grid,
                "rows": list(grid.rows()),
                "results": AssessmentResult.choices,
                "can_record": can_record,
                "started": session.starts_at <= timezone.now(),
                "can_view_session": request.user.has_perm("formation.view_session"),
            },
        )

    def sheet_view(self, request, session_id):
        session = self._session(request, session_id)
        response = HttpResponse(documents.attendance_sheet_pdf(session), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{documents.attendance_sheet_filename(session)}"'
        return response

    def _export_name(self, session: Session, extension: str) -> str:
        return f"inscriptions-{session.training.slug}-{timezone.localdate(session.starts_at).isoformat()}.{extension}"

    def export_csv_view(self, request, session_id):
        session = self._session(request, session_id)
        writer = streaming_writer()
        lines = ["\ufeff" + writer.writerow(EXPORT_HEADERS)]
        lines += [writer.writerow([safe_cell(value) for value in row]) for row in export_rows(session)]
        response = HttpResponse("".join(lines), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self._export_name(session, "csv")}"'
        return response

    def export_xlsx_view(self, request, session_id):
        session = self._session(request, session_id)
        content = xlsx_bytes([EXPORT_HEADERS, *export_rows(session)], sheet_title="Inscriptions")
        response = HttpResponse(
            content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="{self._export_name(session, "xlsx")}"'
        return response


@admin.register(RegistrationGroup)
class RegistrationGroupAdmin(admin.ModelAdmin):
    list_display = ["organisation_name", "session", "contact_email", "created_at"]
    search_fields = ["organisation_name", "contact_email"]
    list_select_related = ["session__training"]
    readonly_fields = ["session", "created_at"]
    raw_id_fields = ["organisation"]

    def has_add_permission(self, request):
        return False
