"""Admin of steering committees: participants, agenda, minutes and decisions.

The committee's page holds its participants (their partner among the convention's parties),
its agenda and its minutes (the rich-text editor; sanitised on save by
`committees.save_minutes`), the decisions already taken (read-only: each is recorded on
« Enregistrer une décision », which creates or changes the commitment in the same
transaction), and the buttons « Générer et envoyer le compte rendu » (a worker builds the
PDF and emails the participants) and « Télécharger le PDF ».
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from lib.admin import LabelledTabularInline
from lib.dates import french_date
from lib.forms import submitted
from lib.richtext import clean_html, plain_text
from lib.workflow import WorkflowError
from partenariats import committees
from partenariats.forms_committees import CommitteeAdminForm, DecisionForm, ParticipantFormSet
from partenariats.models import Committee, CommitteeParticipant, Decision, Partner


class ParticipantInline(LabelledTabularInline):
    model = CommitteeParticipant
    formset = ParticipantFormSet
    fields = ["name", "email", "partner", "attended"]

    def get_extra(self, request, obj=None, **kwargs):
        return 3 if obj is None else 1

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "partner":
            partners = Partner.objects.select_related("organisation")
            committee_id = (request.resolver_match.kwargs or {}).get("object_id", "")
            if str(committee_id).isdigit():
                # The parties of the committee's convention; on the add page the convention is
                # not chosen yet: the formset checks the choice against it on save.
                partners = partners.filter(conventions__committees__pk=int(committee_id))
            kwargs["queryset"] = partners
            kwargs["empty_label"] = "CRESS ou invité·e"
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class DecisionInline(LabelledTabularInline):
    """The decisions taken, read-only: « Enregistrer une décision » records a new one."""

    model = Decision
    extra = 0
    fields = ["order", "text", "effect", "commitment_link"]
    readonly_fields = fields
    verbose_name_plural = "décisions"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("commitment")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="engagement créé ou modifié")
    def commitment_link(self, decision):
        commitment = decision.commitment
        if commitment is None:
            return "—"
        url = reverse("admin:partenariats_commitment_change", args=[commitment.pk])
        return format_html(
            '<a href="{}">{}</a> (échéance le {}, {})',
            url,
            commitment.title,
            french_date(commitment.due_date),
            commitment.get_status_display().lower(),
        )


@admin.register(Committee)
class CommitteeAdmin(admin.ModelAdmin):
    form = CommitteeAdminForm
    list_display = ["__str__", "convention", "held_at", "minutes_sent_at"]
    list_filter = ["kind"]
    search_fields = ["convention__reference", "convention__title"]
    list_select_related = ["convention"]
    autocomplete_fields = ["convention"]
    date_hierarchy = "held_at"
    inlines = [ParticipantInline, DecisionInline]

    def _editable(self, request, obj) -> bool:
        return self.has_add_permission(request) if obj is None else self.has_change_permission(request, obj)

    def get_fieldsets(self, request, obj=None):
        minutes = "minutes_html" if self._editable(request, obj) else "minutes_display"
        fieldsets = [
            (None, {"fields": ["convention", "kind", "held_at", "place"]}),
            (
                "Ordre du jour et compte rendu",
                {
                    "fields": ["agenda", minutes],
                    "description": "Le compte rendu est nettoyé à l'enregistrement (ni script, ni mise en forme "
                    "importée). Le PDF envoyé aux participants reprend aussi la liste des présents et des absents, "
                    "l'ordre du jour et les décisions avec leurs engagements.",
                },
            ),
        ]
        if obj is not None:
            fieldsets.append(("Envoi du compte rendu", {"fields": ["minutes_sent_at", "minutes_pdf"]}))
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        fields = ["minutes_sent_at", "minutes_pdf", "minutes_display"]
        # Moving a committee to another convention would leave its participants and decisions behind.
        return [*fields, "convention"] if obj is not None else fields

    @admin.display(description="compte rendu")
    def minutes_display(self, committee):
        # Sanitised on save; cleaned again for rows written another way.
        return mark_safe(clean_html(committee.minutes)) if committee.minutes else "—"  # noqa: S308 — nh3-sanitised

    @admin.display(description="compte rendu (PDF)")
    def minutes_pdf(self, committee):
        if not committee.minutes_file:
            return "Pas encore envoyé."
        url = reverse("admin:partenariats_committee_minutes_pdf", args=[committee.pk])
        return format_html('<a href="{}">Télécharger le PDF envoyé</a>', url)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "minutes_html" in form.cleaned_data:
            committees.save_minutes(committee=obj, html=form.cleaned_data["minutes_html"], by=request.user)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        committee = self.get_object(request, object_id)
        extra_context = dict(extra_context or {})
        if committee is not None:
            extra_context |= {
                "can_act": self.has_change_permission(request, committee),
                "has_minutes": bool(plain_text(committee.minutes)),
                "recipient_count": committee.participants.exclude(email="").count(),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:object_id>/decision/", view(self.decision_view), name="partenariats_committee_decision"),
            path(
                "<int:object_id>/envoyer-compte-rendu/",
                view(self.send_minutes_view),
                name="partenariats_committee_send_minutes",
            ),
            path(
                "<int:object_id>/compte-rendu.pdf",
                view(self.minutes_pdf_view),
                name="partenariats_committee_minutes_pdf",
            ),
            *super().get_urls(),
        ]

    def _change_url(self, committee) -> str:
        return reverse("admin:partenariats_committee_change", args=[committee.pk])

    # « Enregistrer une décision » -------------------------------------------------------------

    def decision_view(self, request, object_id):
        committee = get_object_or_404(Committee.objects.select_related("convention"), pk=object_id)
        if not (self.has_change_permission(request, committee) and request.user.has_perm("partenariats.add_decision")):
            raise PermissionDenied
        form = DecisionForm(**submitted(request), committee=committee)
        if request.method == "POST" and form.is_valid():
            decision = self._record_decision(request, committee, form)
            if decision is not None:
                self.message_user(request, self._decision_message(decision), messages.SUCCESS)
                return redirect(self._change_url(committee))
        return TemplateResponse(
            request,
            "admin/partenariats/committee/decision.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": f"Enregistrer une décision — {committee}",
                "committee": committee,
                "convention": committee.convention,
                "form": form,
                "create_fields": [form[name] for name in DecisionForm.CREATE_FIELDS],
                "change_fields": [form[name] for name in DecisionForm.CHANGE_FIELDS],
            },
        )

    @staticmethod
    def _record_decision(request, committee, form) -> Decision | None:
        """The decision recorded, or None with the reason added to the form's errors."""
        needed = {
            Decision.Effect.CREATES: ("partenariats.add_commitment", "créer un engagement"),
            Decision.Effect.CHANGES: ("partenariats.change_commitment", "modifier un engagement"),
        }.get(form.cleaned_data["effect"])
        if needed and not request.user.has_perm(needed[0]):
            form.add_error(None, f"Vous n'avez pas le droit de {needed[1]}.")
            return None
        try:
            return committees.record_decision(committee=committee, by=request.user, **form.service_arguments())
        except WorkflowError as error:
            form.add_error(None, str(error))
            return None

    @staticmethod
    def _decision_message(decision: Decision) -> str:
        commitment = decision.commitment
        if decision.effect == Decision.Effect.CREATES:
            return (
                f"Décision enregistrée : l'engagement « {commitment.title} » est créé ({commitment.party_name}, "
                f"échéance le {french_date(commitment.due_date)})."
            )
        if decision.effect == Decision.Effect.CHANGES:
            return (
                f"Décision enregistrée : l'engagement « {commitment.title} » est modifié (échéance le "
                f"{french_date(commitment.due_date)}, état : {commitment.get_status_display().lower()})."
            )
        return "Décision enregistrée."

    # The minutes' PDF --------------------------------------------------------------------------

    def send_minutes_view(self, request, object_id):
        committee = get_object_or_404(Committee, pk=object_id)
        if request.method != "POST" or not self.has_change_permission(request, committee):
            raise PermissionDenied
        try:
            count = committees.send_minutes(committee=committee, by=request.user)
        except WorkflowError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(
                request,
                f"Le compte rendu est en préparation : le PDF part par courriel vers {count} participant(s), avec un "
                "lien personnel pour le télécharger. Une version déjà envoyée ne l'est pas une seconde fois ; une "
                "version corrigée part de nouveau vers tout le monde.",
                messages.SUCCESS,
            )
        return redirect(self._change_url(committee))

    def minutes_pdf_view(self, request, object_id):
        """The PDF sent, or, when the minutes changed since (or were never sent), a preview of
        what would be sent now (not kept)."""
        committee = get_object_or_404(Committee, pk=object_id)
        if not self.has_view_permission(request, committee):
            raise PermissionDenied
        if not plain_text(committee.minutes):
            self.message_user(request, "Le compte rendu est vide : il n'y a pas encore de PDF.", messages.WARNING)
            return redirect(self._change_url(committee))
        content = committees.minutes_content(committee.pk)
        if committee.minutes_file and committee.minutes_version == content.version:
            with committee.minutes_file.open("rb") as stored:
                pdf = stored.read()
        else:
            pdf = committees.minutes_pdf(content)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{committees.minutes_filename(content.committee)}"'
        return response
