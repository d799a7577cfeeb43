"""Admin of HR support requests (appui RH), of complaints, and the quality dashboard."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from formation import hr
from formation.models import Complaint, HrMessage, HrRequest, HrRequestTransition, Session, Training
from formation.quality import available_years, quality_report
from formation.workflows import HR_WORKFLOW
from lib.admin import QuickCheckboxMixin, TransitionInline, WorkflowAdminMixin
from lib.dates import french_short_date


class HrRequestTransitionInline(TransitionInline):
    model = HrRequestTransition


class HrMessageInline(admin.TabularInline):
    """The conversation with the employer; staff write below it (message_view), never here."""

    model = HrMessage
    extra = 0
    can_delete = False
    fields = ["body", "author_kind", "author", "created_at"]
    readonly_fields = fields
    verbose_name_plural = "Conversation avec l'employeur (chaque message de l'équipe lui est envoyé par courriel)"

    def has_add_permission(self, request, obj=None):
        return False


class StaffMessageForm(forms.Form):
    body = forms.CharField(label="Message", max_length=5000, widget=forms.Textarea(attrs={"rows": 3, "cols": 60}))


@admin.register(HrRequest)
class HrRequestAdmin(QuickCheckboxMixin, WorkflowAdminMixin, admin.ModelAdmin):
    workflow = HR_WORKFLOW
    change_form_template = "admin/formation/hrrequest/change_form.html"
    list_display = ["reference", "organisation_name", "need", "status", "assigned_to", "filed_on"]
    list_filter = ["status", "need", "assigned_to"]
    search_fields = ["reference", "organisation_name", "contact_name", "email"]
    list_select_related = ["assigned_to"]
    show_full_result_count = False
    list_per_page = 50
    inlines = [HrMessageInline, HrRequestTransitionInline]
    # What staff edit: who is in charge and the training of the catalogue they point to.
    fields = [
        "reference", "status", "assigned_to", "suggested_training",
        "organisation_name", "organisation", "headcount", "contact_name", "email", "phone",
        "need", "description", "consent_text", "consent_at", "created_at", "closed_at",
    ]  # fmt: skip
    readonly_fields = [
        "reference", "status", "organisation_name", "organisation", "headcount", "contact_name", "email", "phone",
        "need", "description", "consent_text", "consent_at", "created_at", "closed_at",
    ]  # fmt: skip

    def has_add_permission(self, request):
        return False  # filed by employers on the public form

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "suggested_training":
            kwargs["queryset"] = Training.objects.filter(status=Training.Status.PUBLISHED).order_by("title")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="déposée le", ordering="created_at")
    def filed_on(self, obj):
        return french_short_date(obj.created_at)

    def get_urls(self):
        return [
            path(
                "<int:object_id>/message/",
                self.admin_site.admin_view(self.message_view),
                name="formation_hrrequest_message",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "message_form": StaffMessageForm()}
        return super().change_view(request, object_id, form_url, extra_context)

    def perform(self, hr_request, target, *, by, comment, request):
        hr.transition_hr_request(hr_request=hr_request, target=target, by=by, comment=comment)

    def message_view(self, request, object_id):
        hr_request = get_object_or_404(HrRequest, pk=object_id)
        if request.method != "POST" or not self.has_change_permission(request, hr_request):
            raise PermissionDenied
        form = StaffMessageForm(request.POST)
        if not form.is_valid():
            self.message_user(request, "Le message est vide ou trop long (5 000 caractères au plus).", messages.ERROR)
        else:
            try:
                hr.send_staff_message(hr_request=hr_request, by=request.user, body=form.cleaned_data["body"])
            except hr.HrError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(request, "Message envoyé : l'employeur est prévenu par courriel.", messages.SUCCESS)
        return redirect(reverse("admin:formation_hrrequest_change", args=[hr_request.pk]))


class ComplaintForm(forms.ModelForm):
    class Meta:
        model = Complaint
        fields = ["training", "session", "received_at", "author", "description", "status", "handling"]

    def clean(self):
        data = super().clean()
        if data.get("status") == Complaint.Status.HANDLED:
            if not (data.get("handling") or "").strip():
                self.add_error("handling", "Décrivez le traitement et la réponse apportée avant de clore.")
            elif self.instance.handled_at is None or self.instance.status != Complaint.Status.HANDLED:
                self.instance.handled_at = timezone.now()
        elif data.get("status") == Complaint.Status.OPEN:
            self.instance.handled_at = None
        return data


class QualityYearForm(forms.Form):
    annee = forms.TypedChoiceField(label="Année", coerce=int)

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["annee"].choices = [(year, str(year)) for year in years]


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    form = ComplaintForm
    change_list_template = "admin/formation/complaint/change_list.html"
    list_display = ["received_on", "training", "author", "status", "handled_on"]
    list_filter = ["status", "training"]
    search_fields = ["author", "description", "training__title"]
    list_select_related = ["training"]
    readonly_fields = ["handled_at"]
    fields = ["training", "session", "received_at", "author", "description", "status", "handling", "handled_at"]
    date_hierarchy = "received_at"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "session":
            kwargs["queryset"] = Session.objects.select_related("training")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="reçue le", ordering="received_at")
    def received_on(self, obj):
        return french_short_date(obj.received_at)

    @admin.display(description="traitée le", ordering="handled_at")
    def handled_on(self, obj):
        return french_short_date(obj.handled_at) if obj.handled_at else "—"

    def get_urls(self):
        return [
            path("qualite/", self.admin_site.admin_view(self.quality_view), name="formation_complaint_quality"),
            *super().get_urls(),
        ]

    def quality_view(self, request):
        """The quality dashboard: per training and per year (formation.quality)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        years = available_years()
        form = QualityYearForm(request.GET or None, years=years)
        year = form.cleaned_data["annee"] if form.is_valid() else timezone.localdate().year
        return TemplateResponse(
            request,
            "admin/formation/qualite.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": f"Qualité des formations — {year}",
                "form": form if form.is_bound else QualityYearForm(initial={"annee": year}, years=years),
                "report": quality_report(year),
                "complaints_url": reverse("admin:formation_complaint_changelist"),
            },
        )
