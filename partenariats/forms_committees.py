"""The staff's forms for committees (admin): the committee with its minutes, its
participants, and « Enregistrer une décision ». Validation only: the services in
partenariats.committees act."""

from django import forms
from django.contrib.auth import get_user_model
from django.forms.models import BaseInlineFormSet
from django.utils.text import capfirst

from lib.forms import RichTextWidget
from partenariats.models import Commitment, Committee, Decision

KEEP_STATE = ""


class CommitteeAdminForm(forms.ModelForm):
    # Not the model field: the admin saves the rest, then the minutes through
    # committees.save_minutes (sanitised there, one write path).
    minutes_html = forms.CharField(
        label="Compte rendu",
        required=False,
        # No help text: beside the editor in the admin's row it would squeeze it (the
        # fieldset's description says it instead).
        widget=RichTextWidget(attrs={"aria-label": "Compte rendu du comité"}),
    )

    class Meta:
        model = Committee
        fields = ["convention", "kind", "held_at", "place", "agenda"]
        error_messages = {
            "convention": {"required": "Choisissez la convention que ce comité suit."},
            "held_at": {
                "required": "Indiquez la date et l'heure du comité.",
                "invalid": "Indiquez une date et une heure valides.",
            },
            "agenda": {"required": "Écrivez l'ordre du jour (un point par ligne)."},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["minutes_html"].initial = self.instance.minutes


class ParticipantFormSet(BaseInlineFormSet):
    """A participant's partner must be a party to the committee's convention. The admin's
    table shows its column headings, not a label per input: each input is named for
    screen readers (« Nom (participant 2) »)."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        row = "nouveau participant" if index is None else f"participant {index + 1}"
        for name, field in form.fields.items():
            if not field.widget.is_hidden:
                label = "Supprimer" if name == "DELETE" else str(field.label)
                # The admin wraps a select (RelatedFieldWidgetWrapper) whose own attrs are
                # shared between forms: name the form's copy of the widget it renders.
                widget = getattr(field.widget, "widget", field.widget)
                widget.attrs = {**widget.attrs, "aria-label": f"{capfirst(label)} ({row})"}

    def clean(self):
        super().clean()
        if not self.instance.convention_id:  # the committee's own form says what is missing
            return
        convention = self.instance.convention
        parties = set(convention.parties.values_list("pk", flat=True))
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            partner = form.cleaned_data.get("partner")
            if partner is not None and partner.pk not in parties:
                form.add_error(
                    "partner",
                    f"« {partner} » n'est pas partie à la convention {convention.reference} : choisissez l'une de ses "
                    "parties, ou laissez vide (CRESS, invité).",
                )


def _staff():
    return get_user_model().objects.filter(is_staff=True, is_active=True).order_by("first_name", "last_name", "email")


class DecisionForm(forms.Form):
    """One decision of a committee and what it does to the convention's commitments."""

    text = forms.CharField(
        label="Décision",
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 70}),
        error_messages={"required": "Écrivez la décision prise par le comité."},
    )
    effect = forms.ChoiceField(
        label="Effet sur les engagements",
        choices=Decision.Effect.choices,
        initial=Decision.Effect.NOTE,
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez l'effet de la décision.", "invalid_choice": "Effet inconnu."},
    )
    # « crée un engagement »
    new_title = forms.CharField(label="Intitulé du nouvel engagement", max_length=250, required=False)
    new_party = forms.ModelChoiceField(
        label="Partie qui s'engage",
        queryset=None,
        required=False,
        empty_label="CRESS La Réunion",
        error_messages={"invalid_choice": "Choisissez l'une des parties de la convention, ou la CRESS."},
    )
    new_due_date = forms.DateField(
        label="Échéance",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Indiquez une date valide, par exemple 30/06/2026."},
    )
    new_owner = forms.ModelChoiceField(
        label="Suivi par (CRESS)",
        queryset=None,
        required=False,
        empty_label="Personne pour l'instant",
        error_messages={"invalid_choice": "Choisissez un membre de l'équipe."},
    )
    # « modifie un engagement »
    commitment = forms.ModelChoiceField(
        label="Engagement modifié",
        queryset=None,
        required=False,
        empty_label="Choisir un engagement de la convention",
        error_messages={"invalid_choice": "Choisissez l'un des engagements de cette convention."},
    )
    change_due_date = forms.DateField(
        label="Nouvelle échéance",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Indiquez une date valide, par exemple 30/06/2026."},
    )
    change_status = forms.ChoiceField(
        label="Nouvel état",
        required=False,
        choices=[(KEEP_STATE, "Ne pas changer l'état"), *Commitment.Status.choices],
        error_messages={"invalid_choice": "État inconnu."},
    )

    CREATE_FIELDS = ("new_title", "new_party", "new_due_date", "new_owner")
    CHANGE_FIELDS = ("commitment", "change_due_date", "change_status")

    def __init__(self, *args, committee: Committee, **kwargs):
        super().__init__(*args, **kwargs)
        self.committee = committee
        convention = committee.convention
        self.fields["new_party"].queryset = convention.parties.select_related("organisation")
        self.fields["new_owner"].queryset = _staff()
        self.fields["new_owner"].label_from_instance = lambda user: user.get_full_name() or user.email
        self.fields["commitment"].queryset = convention.commitments.select_related("party__organisation")
        self.fields["commitment"].label_from_instance = lambda commitment: (
            f"{commitment.title} — {commitment.party_name}, échéance {commitment.due_date:%d/%m/%Y}"
            f" ({commitment.get_status_display().lower()})"
        )

    def clean(self):
        data = super().clean()
        effect = data.get("effect")
        if effect == Decision.Effect.CREATES:
            if not data.get("new_title"):
                self.add_error("new_title", "Indiquez l'intitulé de l'engagement que la décision crée.")
            if not data.get("new_due_date") and "new_due_date" not in self.errors:
                self.add_error("new_due_date", "Indiquez l'échéance du nouvel engagement.")
        elif effect == Decision.Effect.CHANGES:
            if not data.get("commitment") and "commitment" not in self.errors:
                self.add_error("commitment", "Choisissez l'engagement que la décision modifie.")
            if (
                not data.get("change_due_date")
                and not data.get("change_status")
                and "change_due_date" not in self.errors
            ):
                self.add_error(
                    None, "Indiquez ce que la décision change : une nouvelle échéance, un nouvel état, ou les deux."
                )
        return data

    def service_arguments(self) -> dict:
        """The keyword arguments of committees.record_decision (after is_valid())."""
        data = self.cleaned_data
        arguments = {"text": data["text"], "effect": data["effect"]}
        if data["effect"] == Decision.Effect.CREATES:
            arguments["new_commitment"] = {
                "title": data["new_title"],
                "party": data["new_party"],
                "due_date": data["new_due_date"],
                "owner": data["new_owner"],
            }
        elif data["effect"] == Decision.Effect.CHANGES:
            changes = {}
            if data.get("change_due_date"):
                changes["due_date"] = data["change_due_date"]
            if data.get("change_status"):
                changes["status"] = data["change_status"]
            arguments |= {"commitment": data["commitment"], "changes": changes}
        return arguments
