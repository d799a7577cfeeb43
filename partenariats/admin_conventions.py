"""The staff's workplace for partners, conventions and commitments (Django admin).

- Partners: contacts, and the yearly figures published about the partnership, each typed or
  computed from a metric of lib.metrics (« Enregistrer et calculer les chiffres suivis », or
  the list's action).
- Conventions: filters (state, partner, end within 30 or 90 days), the workflow's buttons (a
  reason to terminate), commitments with their linked figure next to their target,
  amendments (« Ajouter un avenant » records one through `services.record_amendment`),
  the transition log; the signed PDF and the amendments' PDFs are checked by content and
  downloaded through permission-checked pages, never from MEDIA_URL.
- Commitments: every transition of the workflow as a button, deliverables uploaded through
  `services.add_deliverable` and downloaded through a permission-checked page, the linked
  figure (a metric of scope « organisation », for the party's organisation).
"""

import mimetypes
from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminFileWidget
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import slugify

from lib import metrics
from lib.admin import LabelledFileInputsMixin, LabelledTabularInline, TransitionInline, WorkflowAdminMixin
from lib.dates import french_date
from lib.downloads import file_response
from lib.forms import submitted
from partenariats import services
from partenariats.admin_messages import ConventionMessageInline
from partenariats.figures import FigureCalculator
from partenariats.forms import PartnerAdminForm
from partenariats.models import (
    Amendment,
    Commitment,
    CommitmentTransition,
    Convention,
    ConventionTransition,
    Deliverable,
    Partner,
    PartnerContact,
    PartnerFigure,
)
from partenariats.workflows import COMMITMENT_WORKFLOW, CONVENTION_LIVE, CONVENTION_WORKFLOW

NOT_A_METRIC = "« %(value)s » n'est pas un chiffre calculé par le portail : choisissez-en un dans la liste."
NO_FILE = "Aucun fichier n'est enregistré ici pour le moment."


def organisation_metric_choices():
    """The metrics a partnership can follow (scope « organisation »), read when a form is
    built: the apps register them in their ready()."""
    return [("", "— aucun —"), *metrics.choices(metrics.Scope.ORGANISATION)]


def metric_field(**kwargs) -> forms.ChoiceField:
    return forms.ChoiceField(
        label="chiffre suivi",
        required=False,
        choices=organisation_metric_choices,
        error_messages={"invalid_choice": NOT_A_METRIC},
        **kwargs,
    )


class RelatedChoicesMixin:
    """The CRESS people a record can be followed by (active staff accounts, by name), and
    partners with their organisation's name in one query."""

    staff_fields = ("owner", "staff_owner")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.staff_fields:
            kwargs["queryset"] = (
                get_user_model()
                .objects.filter(is_staff=True, is_active=True)
                .order_by("first_name", "last_name", "email")
            )
        elif db_field.name == "party":
            kwargs["queryset"] = Partner.objects.select_related("organisation")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "parties":
            kwargs["queryset"] = Partner.objects.select_related("organisation")
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class PrivateFileLink:
    """What a file widget links to: a permission-checked admin page, with a plain label."""

    def __init__(self, url: str, label: str):
        self.url, self.label = url, label

    def __str__(self):
        return self.label


class PrivateFileInput(AdminFileWidget):
    """The admin's file input, whose « Actuellement » links to a permission-checked page
    (`link(instance)` gives its address) instead of the file's MEDIA_URL."""

    def __init__(self, link, label="Télécharger le fichier enregistré", attrs=None):
        super().__init__(attrs)
        self.link, self.label = link, label

    def format_value(self, value):
        if self.is_initial(value) and getattr(value, "instance", None) is not None and value.instance.pk:
            return PrivateFileLink(self.link(value.instance), self.label)
        return None


def download_link(url: str | None, text: str):
    return format_html('<a href="{}">{}</a>', url, text) if url else "—"


def _freeze_choices(formset, *names):
    """Evaluate a select's options once for all the rows of an inline (not once a row)."""
    for name in names:
        field = formset.form.base_fields.get(name)
        if field is not None and hasattr(field, "queryset"):
            field.choices = list(field.choices)


# --- Partners ------------------------------------------------------------------------------


class PartnerContactInline(LabelledTabularInline):
    model = PartnerContact
    extra = 0


class PartnerFigureForm(forms.ModelForm):
    metric = metric_field(help_text="Laissez « aucun » pour un chiffre saisi à la main.")

    class Meta:
        model = PartnerFigure
        fields = ["year", "label", "metric", "value", "unit", "is_published"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("is_published") and cleaned.get("value") is None:
            self.add_error(
                "value",
                "Un chiffre publié a une valeur : saisissez-la, ou enregistrez d'abord le chiffre suivi et "
                "calculez-le, puis publiez-le.",
            )
        return cleaned


class PartnerFigureInline(LabelledTabularInline):
    model = PartnerFigure
    form = PartnerFigureForm
    extra = 0
    verbose_name_plural = "Chiffres publiés (calculés depuis un chiffre suivi ou saisis)"


@admin.register(Partner)
class PartnerAdmin(RelatedChoicesMixin, LabelledFileInputsMixin, admin.ModelAdmin):
    form = PartnerAdminForm
    change_form_template = "admin/partenariats/partner/change_form.html"
    list_display = ["__str__", "kind", "staff_owner", "is_public", "order"]
    list_filter = ["kind", "is_public"]
    search_fields = ["organisation__name", "organisation__acronym"]
    autocomplete_fields = ["organisation"]
    filter_horizontal = ["territories"]
    list_select_related = ["organisation", "staff_owner"]
    readonly_fields = ["conventions_list"]
    inlines = [PartnerContactInline, PartnerFigureInline]
    actions = ["compute_figures"]
    fieldsets = (
        (None, {"fields": ("organisation", "kind", "staff_owner", "public_description", "logo")}),
        ("Page publique", {"fields": ("is_public", "order", "territories")}),
        ("Conventions", {"fields": ("conventions_list",)}),
    )

    @admin.display(description="conventions")
    def conventions_list(self, partner):
        if not partner.pk:
            return "—"
        rows = partner.conventions.order_by("-start_date").values_list("pk", "reference", "title", "status")
        labels = dict(Convention.Status.choices)
        items = format_html_join(
            "",
            '<li><a href="{}">{} — {}</a> ({})</li>',
            (
                (reverse("admin:partenariats_convention_change", args=[pk]), ref, title, labels.get(status, status))
                for pk, ref, title, status in rows
            ),
        )
        return format_html("<ul>{}</ul>", items) if items else "Aucune convention pour le moment."

    def _compute(self, request, partner):
        outcome = services.compute_partner_figures(partner=partner)
        for figure in outcome.unavailable:
            self.message_user(
                request,
                f"{partner} : « {figure.label} » ({figure.year}) suit un chiffre que le portail ne calcule plus ; "
                "sa valeur est gardée telle quelle.",
                messages.WARNING,
            )
        return outcome

    @admin.action(description="Calculer les chiffres publiés depuis les chiffres suivis", permissions=["change"])
    def compute_figures(self, request, queryset):
        if not request.user.has_perm("partenariats.change_partnerfigure"):
            raise PermissionDenied
        updated = 0
        for partner in queryset.select_related("organisation"):
            updated += len(self._compute(request, partner).updated)
        self.message_user(request, f"{updated} chiffre(s) calculé(s) depuis les données du portail.", messages.SUCCESS)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if "_calculer" in request.POST and request.user.has_perm("partenariats.change_partnerfigure"):
            outcome = self._compute(request, form.instance)
            self.message_user(
                request,
                f"{len(outcome.updated)} chiffre(s) calculé(s) depuis les données du portail : vérifiez-les avant "
                "de les publier.",
                messages.SUCCESS,
            )

    def response_change(self, request, obj):
        if "_calculer" in request.POST:
            return HttpResponseRedirect(reverse("admin:partenariats_partner_change", args=[obj.pk]))
        return super().response_change(request, obj)

    def response_add(self, request, obj, post_url_continue=None):
        if "_calculer" in request.POST:
            return HttpResponseRedirect(reverse("admin:partenariats_partner_change", args=[obj.pk]))
        return super().response_add(request, obj, post_url_continue)


# --- Conventions ---------------------------------------------------------------------------


class ConventionTransitionInline(TransitionInline):
    model = ConventionTransition

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")


class AmendmentInlineForm(forms.ModelForm):
    class Meta:
        model = Amendment
        fields = ["summary", "file"]

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):
            services.validate_signed_pdf(upload)
        return upload


def amendment_file_url(amendment) -> str:
    return reverse("admin:partenariats_convention_amendment_file", args=[amendment.convention_id, amendment.pk])


class AmendmentInline(LabelledFileInputsMixin, admin.StackedInline):
    """Amendments are added through « Ajouter un avenant » (the service applies them to the
    convention); here staff correct the summary and attach the signed PDF."""

    model = Amendment
    form = AmendmentInlineForm
    extra = 0
    can_delete = False
    readonly_fields = ["number", "signed_on", "new_end_date", "new_amount", "file_link"]

    def has_add_permission(self, request, obj=None):
        return False

    def get_fields(self, request, obj=None):
        editable = ["summary", "file"] if self.has_change_permission(request, obj) else ["summary", "file_link"]
        return ["number", "signed_on", "new_end_date", "new_amount", *editable]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "file":
            kwargs["widget"] = PrivateFileInput(amendment_file_url, "Télécharger l'avenant signé")
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description="avenant signé (PDF)")
    def file_link(self, amendment):
        return download_link(amendment_file_url(amendment) if amendment.file else None, "Télécharger l'avenant signé")


class CommitmentForm(forms.ModelForm):
    metric = metric_field(
        help_text="Un chiffre que le portail calcule pour la structure de la partie engagée, pendant la convention."
    )

    class Meta:
        model = Commitment
        fields = ["convention", "party", "title", "description", "owner", "due_date", "metric", "target"]

    def clean(self):
        cleaned = super().clean()
        metric, target, party = cleaned.get("metric"), cleaned.get("target"), cleaned.get("party")
        if metric and "party" in cleaned and party is None:
            self.add_error(
                "metric",
                "Un chiffre suivi se calcule pour la structure d'un partenaire : choisissez la partie engagée, "
                "ou « aucun » chiffre pour un engagement de la CRESS.",
            )
        if target is not None and not metric and "metric" not in self.errors:
            self.add_error(
                "target", "Une cible se rapporte à un chiffre suivi : choisissez le chiffre, ou videz la cible."
            )
        # On its own page (the convention chosen here); on the convention's page, its formset checks.
        convention = cleaned.get("convention")
        chosen_here = isinstance(self.fields.get("convention"), forms.ModelChoiceField)
        if chosen_here and convention and party and not convention.parties.filter(pk=party.pk).exists():
            self.add_error("party", f"« {party} » n'est pas partie à la convention {convention.reference}.")
        return cleaned


class CommitmentInlineFormSet(BaseInlineFormSet):
    """Each commitment's party is one of the convention's parties, as chosen in this same
    form (the parties may change in the same save)."""

    def clean(self):
        super().clean()
        if "parties" in self.data:
            parties = set(self.data.getlist("parties"))
        elif self.instance.pk:
            parties = {str(pk) for pk in self.instance.parties.values_list("pk", flat=True)}
        else:
            parties = set()
        for form in self.forms:
            cleaned = getattr(form, "cleaned_data", {})
            if self.can_delete and cleaned.get("DELETE"):
                continue
            party = cleaned.get("party")
            if party is not None and str(party.pk) not in parties:
                form.add_error(
                    "party",
                    f"« {party} » n'est pas partie à cette convention : ajoutez-le aux parties ou choisissez-en une.",
                )


class CommitmentInline(RelatedChoicesMixin, LabelledTabularInline):
    model = Commitment
    form = CommitmentForm
    formset = CommitmentInlineFormSet
    extra = 0
    fields = ["title", "party", "owner", "due_date", "status", "metric", "target", "figure"]
    readonly_fields = ["status", "figure"]
    show_change_link = True
    verbose_name_plural = "Engagements (la partie vide : la CRESS)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("party", "convention")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        _freeze_choices(formset, "party", "owner")
        self.figures = FigureCalculator()  # one per page: each figure computed once, a bounded number of them
        return formset

    @admin.display(description="chiffre suivi : valeur actuelle")
    def figure(self, commitment):
        if not commitment.pk:
            return "—"
        calculator = getattr(self, "figures", None) or FigureCalculator()
        figure = calculator.for_commitment(commitment)
        return str(figure) if figure else "—"


class EndFilter(admin.SimpleListFilter):
    title = "fin de la convention"
    parameter_name = "fin"

    def lookups(self, request, model_admin):
        return [
            ("30", "Dans les 30 jours"),
            ("90", "Dans les 90 jours"),
            ("depassee", "Date passée, encore suivie"),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() in ("30", "90"):
            return queryset.filter(
                end_date__gte=today,
                end_date__lte=today + timedelta(days=int(self.value())),
                status__in=[*CONVENTION_LIVE, Convention.Status.DRAFT, Convention.Status.SIGNING],
            )
        if self.value() == "depassee":
            return queryset.filter(end_date__lt=today, status__in=CONVENTION_LIVE)
        return queryset


class PartnerFilter(admin.SimpleListFilter):
    """The partners that are party to a convention (one query for the list of names)."""

    title = "partenaire"
    parameter_name = "partenaire"

    def lookups(self, request, model_admin):
        return list(
            Partner.objects.filter(conventions__isnull=False)
            .distinct()
            .order_by("organisation__name")
            .values_list("pk", "organisation__name")
        )

    def queryset(self, request, queryset):
        value = self.value()
        if value and str(value).isdigit():
            return queryset.filter(parties__pk=int(value))
        return queryset


class ConventionForm(forms.ModelForm):
    class Meta:
        model = Convention
        fields = [
            "reference", "title", "object", "parties", "owner", "start_date", "end_date", "amount", "funder",
            "amount_is_public", "signed_file", "is_public", "renewed_by",
        ]  # fmt: skip

    def clean_signed_file(self):
        upload = self.cleaned_data.get("signed_file")
        if isinstance(upload, UploadedFile):
            services.validate_signed_pdf(upload)
        return upload

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end <= start:
            self.add_error("end_date", "La fin de la convention doit être postérieure à son début.")
        renewed_by = cleaned.get("renewed_by")
        if renewed_by is not None and self.instance.pk and renewed_by.pk == self.instance.pk:
            self.add_error("renewed_by", "Une convention ne se renouvelle pas elle-même : choisissez la suivante.")
        return cleaned


class AmendmentForm(forms.ModelForm):
    """« Ajouter un avenant »: what the service needs; it applies the amendment."""

    class Meta:
        model = Amendment
        fields = ["number", "signed_on", "summary", "new_end_date", "new_amount", "file"]
        widgets = {
            "signed_on": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
            "new_end_date": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
            "summary": forms.Textarea(attrs={"rows": 4, "cols": 60}),
        }
        help_texts = {
            "new_end_date": "Vide si l'avenant ne change pas la fin. Une convention « à renouveler » prolongée "
            "au-delà d'aujourd'hui revient « en vigueur ».",
            "new_amount": "Vide si l'avenant ne change pas le montant.",
            "file": "PDF uniquement, vérifié par son contenu. Vous pourrez aussi le joindre plus tard.",
        }

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):
            services.validate_signed_pdf(upload)
        return upload


def signed_file_url(convention) -> str:
    return reverse("admin:partenariats_convention_signed_file", args=[convention.pk])


@admin.register(Convention)
class ConventionAdmin(RelatedChoicesMixin, LabelledFileInputsMixin, WorkflowAdminMixin, admin.ModelAdmin):
    workflow = CONVENTION_WORKFLOW
    form = ConventionForm
    change_form_template = "admin/partenariats/convention/change_form.html"
    list_display = ["reference", "title", "parties_list", "start_date", "end_date", "status", "owner"]
    list_filter = ["status", PartnerFilter, EndFilter]
    search_fields = ["reference", "title", "parties__organisation__name", "funder"]
    filter_horizontal = ["parties"]
    readonly_fields = ["status", "termination_reason", "signed_file_link"]
    inlines = [CommitmentInline, AmendmentInline, ConventionTransitionInline, ConventionMessageInline]

    def get_inlines(self, request, obj):
        # The conversation begins once the convention exists (not on the add page).
        inlines = super().get_inlines(request, obj)
        return inlines if obj is not None else [i for i in inlines if i is not ConventionMessageInline]

    def get_fieldsets(self, request, obj=None):
        signed = "signed_file" if self.has_change_permission(request, obj) else "signed_file_link"
        return (
            (None, {"fields": ("reference", "title", "object", "parties", "owner")}),
            ("Période et financement", {"fields": ("start_date", "end_date", "amount", "funder", "amount_is_public")}),
            ("Document et publication", {"fields": (signed, "is_public")}),
            ("Suivi", {"fields": ("status", "termination_reason", "renewed_by")}),
        )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("owner").prefetch_related("parties__organisation")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "signed_file":
            kwargs["widget"] = PrivateFileInput(signed_file_url, "Télécharger la convention signée")
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "renewed_by":
            kwargs["queryset"] = Convention.objects.order_by("-start_date", "reference")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="parties")
    def parties_list(self, convention):
        return ", ".join(str(partner) for partner in convention.parties.all())

    @admin.display(description="convention signée (PDF)")
    def signed_file_link(self, convention):
        url = signed_file_url(convention) if convention.pk and convention.signed_file else None
        return download_link(url, "Télécharger la convention signée")

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:object_id>/convention-signee/", view(self.signed_file_view),
                 name="partenariats_convention_signed_file"),
            path("<int:object_id>/avenants/ajouter/", view(self.amendment_add_view),
                 name="partenariats_convention_amendment_add"),
            path("<int:object_id>/avenants/<int:amendment_id>/fichier/", view(self.amendment_file_view),
                 name="partenariats_convention_amendment_file"),
            *super().get_urls(),
        ]  # fmt: skip

    def change_view(self, request, object_id, form_url="", extra_context=None):
        convention = self.get_object(request, object_id)
        extra_context = {
            **(extra_context or {}),
            "can_add_amendment": convention is not None and self._can_add_amendment(request, convention),
            "committees": list(convention.committees.order_by("-held_at")) if convention is not None else [],
            "can_add_committee": request.user.has_perm("partenariats.add_committee"),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def _can_add_amendment(self, request, convention) -> bool:
        return self.has_change_permission(request, convention) and request.user.has_perm("partenariats.add_amendment")

    # Workflow buttons ---------------------------------------------------------------------

    def perform(self, convention, target, *, by, comment, request):
        services.move_convention(convention, target, by=by, comment=comment)
        return f"C'est fait : la convention {convention.reference} est « {convention.get_status_display()} »."

    # Files ----------------------------------------------------------------------------------

    def _send_file(self, request, stored, filename, change_url):
        if not stored:
            self.message_user(request, NO_FILE, messages.WARNING)
            return redirect(change_url)
        return file_response(stored.open("rb"), filename=filename, content_type="application/pdf")

    def signed_file_view(self, request, object_id):
        convention = get_object_or_404(Convention, pk=object_id)
        if not self.has_view_permission(request, convention):
            raise PermissionDenied
        return self._send_file(
            request,
            convention.signed_file,
            f"{slugify(convention.reference)}-convention-signee.pdf",
            reverse("admin:partenariats_convention_change", args=[convention.pk]),
        )

    def amendment_file_view(self, request, object_id, amendment_id):
        amendment = get_object_or_404(Amendment.objects.select_related("convention"), pk=amendment_id)
        if amendment.convention_id != object_id or not (
            self.has_view_permission(request, amendment.convention)
            and request.user.has_perm("partenariats.view_amendment")
        ):
            raise PermissionDenied
        return self._send_file(
            request,
            amendment.file,
            f"{slugify(amendment.convention.reference)}-avenant-{amendment.number}.pdf",
            reverse("admin:partenariats_convention_change", args=[object_id]),
        )

    # Amendments -----------------------------------------------------------------------------

    def amendment_add_view(self, request, object_id):
        convention = get_object_or_404(Convention, pk=object_id)
        if not self._can_add_amendment(request, convention):
            raise PermissionDenied
        last = convention.amendments.order_by("-number").values_list("number", flat=True).first() or 0
        form = AmendmentForm(**submitted(request), initial={"number": last + 1})
        if request.method == "POST" and form.is_valid():
            try:
                amendment = services.record_amendment(convention=convention, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None if hasattr(error, "error_dict") else "file", error)
            else:
                done = f"L'avenant n° {amendment.number} est enregistré"
                if amendment.new_end_date:
                    done += f" : la convention court désormais jusqu'au {french_date(convention.end_date)}"
                self.message_user(request, f"{done} (état : {convention.get_status_display()}).", messages.SUCCESS)
                return redirect(reverse("admin:partenariats_convention_change", args=[convention.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": convention,
            "title": f"Ajouter un avenant à {convention.reference}",
            "form": form,
        }
        return TemplateResponse(request, "admin/partenariats/convention/amendment_add.html", context)


# --- Commitments ---------------------------------------------------------------------------


class CommitmentTransitionInline(TransitionInline):
    model = CommitmentTransition

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")


def deliverable_url(deliverable) -> str:
    return reverse("admin:partenariats_commitment_deliverable", args=[deliverable.commitment_id, deliverable.pk])


class DeliverableInline(LabelledTabularInline):
    """The deliverables uploaded (by staff or the partner): read-only, downloaded through a
    permission-checked page; staff with the right delete one."""

    model = Deliverable
    extra = 0
    fields = ["title", "download", "size_label", "uploaded_by", "by_partner", "uploaded_at"]
    readonly_fields = fields
    verbose_name_plural = "Livrables déposés"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("uploaded_by")

    @admin.display(description="fichier")
    def download(self, deliverable):
        return download_link(deliverable_url(deliverable), deliverable.original_name or "Télécharger")

    @admin.display(description="taille")
    def size_label(self, deliverable):
        return f"{max(1, round(deliverable.size / 1024))} Ko"


class DeliverableUploadForm(forms.ModelForm):
    class Meta:
        model = Deliverable
        fields = ["title", "file"]
        help_texts = {"file": services.DELIVERABLE_HELP}

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):
            services.validate_deliverable(upload)
        return upload


class DeliverableUploadInline(LabelledFileInputsMixin, LabelledTabularInline):
    """New deliverables only; saved through services.add_deliverable (CommitmentAdmin.save_formset)."""

    model = Deliverable
    form = DeliverableUploadForm
    extra = 1
    can_delete = False
    verbose_name = "nouveau livrable"
    verbose_name_plural = "Déposer un livrable"

    def get_queryset(self, request):
        return super().get_queryset(request).none()

    def has_view_permission(self, request, obj=None):
        return self.has_add_permission(request, obj)  # shown only to who may upload


class DueFilter(admin.SimpleListFilter):
    title = "échéance"
    parameter_name = "echeance"

    def lookups(self, request, model_admin):
        return [("depassee", "Dépassée, engagement ouvert"), ("30", "Dans les 30 jours")]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "depassee":
            return queryset.filter(due_date__lt=today, status__in=Commitment.OPEN_STATES)
        if self.value() == "30":
            return queryset.filter(
                due_date__gte=today, due_date__lte=today + timedelta(days=30), status__in=Commitment.OPEN_STATES
            )
        return queryset


@admin.register(Commitment)
class CommitmentAdmin(RelatedChoicesMixin, WorkflowAdminMixin, admin.ModelAdmin):
    workflow = COMMITMENT_WORKFLOW
    form = CommitmentForm
    change_form_template = "admin/partenariats/commitment/change_form.html"
    list_display = ["title", "convention", "party", "owner", "due_date", "status"]
    list_filter = ["status", DueFilter, "convention__status"]
    search_fields = ["title", "convention__reference", "convention__title", "party__organisation__name"]
    list_select_related = ["convention", "party__organisation", "owner"]
    autocomplete_fields = ["convention"]
    readonly_fields = ["status", "figure"]
    fieldsets = (
        (None, {"fields": ("convention", "party", "title", "description", "owner", "due_date", "status")}),
        ("Chiffre suivi", {"fields": ("metric", "target", "figure")}),
    )
    inlines = [DeliverableInline, DeliverableUploadInline, CommitmentTransitionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("convention", "party__organisation", "owner")

    def get_urls(self):
        return [
            path(
                "<int:object_id>/livrables/<int:deliverable_id>/",
                self.admin_site.admin_view(self.deliverable_view),
                name="partenariats_commitment_deliverable",
            ),
            *super().get_urls(),
        ]

    @admin.display(description="valeur actuelle")
    def figure(self, commitment):
        if not commitment.pk:
            return "—"
        figure = FigureCalculator().for_commitment(commitment)
        return str(figure) if figure else "—"

    def perform(self, commitment, target, *, by, comment, request):
        services.move_commitment(commitment, target, by=by, comment=comment)
        return f"C'est fait : l'engagement est « {commitment.get_status_display()} »."

    def save_formset(self, request, form, formset, change):
        if not issubclass(formset.form, DeliverableUploadForm):
            return super().save_formset(request, form, formset, change)
        # New deliverables go through the service (checked again, original name and size kept);
        # the admin's change message reads what a formset's save() would have set.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for upload_form in formset.forms:
            upload = upload_form.cleaned_data.get("file") if upload_form.has_changed() else None
            if upload:
                deliverable = services.add_deliverable(
                    commitment=form.instance,
                    title=upload_form.cleaned_data.get("title", ""),
                    upload=upload,
                    by=request.user,
                )
                formset.new_objects.append(deliverable)

    def deliverable_view(self, request, object_id, deliverable_id):
        deliverable = get_object_or_404(Deliverable.objects.select_related("commitment"), pk=deliverable_id)
        if deliverable.commitment_id != object_id or not (
            self.has_view_permission(request, deliverable.commitment)
            and request.user.has_perm("partenariats.view_deliverable")
        ):
            raise PermissionDenied
        content_type = mimetypes.guess_type(deliverable.file.name)[0] or "application/octet-stream"
        return file_response(
            deliverable.file.open("rb"),
            filename=deliverable.original_name or f"livrable-{deliverable.pk}",
            content_type=content_type,
        )
