"""The public registration forms (a person, a group) and the actions of « mon inscription »."""

import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Fieldset, Layout, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy

from annuaire.models import Organisation
from lib.forms import HoneypotMixin

CONSENT_TEXT = (
    "J'accepte que la CRESS La Réunion conserve ces informations pour organiser la formation, "
    "m'envoyer la convocation, l'attestation et les questionnaires de satisfaction, et établir "
    "ses bilans de qualité. Elles sont conservées trois ans après la formation."
)
GROUP_CONSENT_TEXT = (
    "Les personnes inscrites sont d'accord pour que la CRESS La Réunion conserve ces informations "
    "pour organiser la formation, leur envoyer la convocation, l'attestation et les questionnaires "
    "de satisfaction, et établir ses bilans de qualité (conservées trois ans après la formation)."
)

EMAIL_INVALID = "Saisissez une adresse électronique valide (par exemple nom@exemple.re)."
PHONE = forms.RegexField(
    label="Téléphone",
    regex=r"^\+?[0-9 .()-]{6,20}$",
    required=False,
    error_messages={"invalid": "Saisissez un numéro de téléphone (chiffres, espaces, points ou tirets)."},
)


def published_organisations():
    return Organisation.objects.filter(is_published=True)


STRUCTURE_SUGGESTIONS = HTML(
    '<div id="suggestions-structure" aria-live="polite">'
    '{% include "formation/registration/_structures.html" with organisations=chosen_organisations %}</div>'
)


def structure_input(label: str, help_text: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=200,
        required=False,
        help_text=help_text,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "organization",
                "data-hx-get": reverse_lazy("formation:structures"),
                "data-hx-trigger": "input changed delay:300ms, search",
                "data-hx-target": "#suggestions-structure",
                "data-hx-sync": "this:replace",
                "aria-controls": "suggestions-structure",
            }
        ),
    )


class OrganisationMixin(forms.Form):
    organisation_name = structure_input(
        "Structure (facultatif)",
        "Tapez son nom : les structures de l'annuaire qui correspondent s'affichent, choisissez la vôtre.",
    )
    # The id of the organisation chosen among the suggestions (radio buttons added by htmx).
    organisation = forms.CharField(required=False, widget=forms.HiddenInput, max_length=20)

    def clean(self):
        data = super().clean()
        chosen = (data.get("organisation") or "").strip()
        organisation = None
        if chosen:
            organisation = published_organisations().filter(pk=chosen).first() if chosen.isdigit() else None
            if organisation is None:
                # A hidden field's error would not show: it goes on top of the form.
                self.add_error(None, "La structure choisie n'est pas dans l'annuaire : choisissez-en une proposée.")
        data["organisation"] = organisation
        name = (data.get("organisation_name") or "").strip()
        if organisation is None and name:
            # Without the suggestions (no JavaScript), a name that is exactly one published
            # organisation's is linked to it.
            matches = list(published_organisations().filter(name__iexact=name)[:2])
            if len(matches) == 1:
                data["organisation"] = matches[0]
        return data

    def chosen_organisations(self) -> list:
        """The organisation already chosen, shown again when the form comes back with errors."""
        organisation = getattr(self, "cleaned_data", {}).get("organisation")
        return [organisation] if organisation else []


def _helper(submit_label: str, *fieldsets) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = True
    helper.form_method = "post"
    helper.layout = Layout(
        *fieldsets, Div("website_url", css_class="hp-field", aria_hidden="true"), Submit("submit", submit_label)
    )
    return helper


class RegistrationForm(HoneypotMixin, OrganisationMixin):
    first_name = forms.CharField(label="Prénom", max_length=100)
    last_name = forms.CharField(label="Nom", max_length=100)
    email = forms.EmailField(
        label="Adresse électronique",
        max_length=254,
        help_text="Pour la confirmation.",
        error_messages={"invalid": EMAIL_INVALID},
    )
    phone = PHONE
    job_title = forms.CharField(label="Fonction (facultatif)", max_length=150, required=False)
    needs_adaptation = forms.CharField(
        label="Besoin d'adaptation (facultatif)",
        help_text="Situation de handicap, accessibilité : dites-nous comment vous accueillir au mieux.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        required=False,
    )
    consent = forms.BooleanField(
        label=CONSENT_TEXT,
        error_messages={"required": "Votre accord est nécessaire pour que nous puissions vous inscrire."},
    )

    field_order = [
        "first_name",
        "last_name",
        "email",
        "phone",
        "job_title",
        "organisation_name",
        "organisation",
        "needs_adaptation",
        "consent",
    ]

    def __init__(self, *args, submit_label="M'inscrire", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["last_name"].widget.attrs["autocomplete"] = "family-name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["phone"].widget.attrs["autocomplete"] = "tel"
        self.helper = _helper(
            submit_label,
            Fieldset("Vous", "first_name", "last_name", "email", "phone", "job_title"),
            Fieldset("Votre structure", "organisation_name", "organisation", STRUCTURE_SUGGESTIONS),
            Fieldset("Accueil", "needs_adaptation"),
            "consent",
        )

    def person(self) -> dict:
        data = self.cleaned_data
        return {
            name: data[name] for name in ("first_name", "last_name", "email", "phone", "job_title", "needs_adaptation")
        }


PARTICIPANT_LINE = re.compile(r"^(?P<name>[^,;]+?)\s*[,;]\s*(?P<email>\S+@\S+)$")
MAX_GROUP = 30


class GroupRegistrationForm(HoneypotMixin, OrganisationMixin):
    organisation_name = structure_input(
        "Structure", "Tapez son nom : les structures de l'annuaire qui correspondent s'affichent."
    )
    contact_email = forms.EmailField(
        label="Votre adresse électronique",
        max_length=254,
        help_text="La personne qui inscrit le groupe.",
        error_messages={"invalid": EMAIL_INVALID},
    )
    participants = forms.CharField(
        label="Personnes à inscrire",
        help_text=(
            f"Une personne par ligne : « Prénom Nom, adresse électronique » ({MAX_GROUP} au plus). "
            "Chacune reçoit sa confirmation et son lien personnel."
        ),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
    )
    consent = forms.BooleanField(
        label=GROUP_CONSENT_TEXT,
        error_messages={"required": "L'accord des personnes inscrites est nécessaire pour les inscrire."},
    )

    field_order = ["organisation_name", "organisation", "contact_email", "participants", "consent"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            "Inscrire le groupe",
            Fieldset("La structure", "organisation_name", "organisation", STRUCTURE_SUGGESTIONS, "contact_email"),
            Fieldset("Les participant·es", "participants"),
            "consent",
        )

    def clean_organisation_name(self):
        name = self.cleaned_data.get("organisation_name", "").strip()
        if not name:
            raise ValidationError("Indiquez la structure qui inscrit le groupe.")
        return name

    def clean_participants(self):
        people, errors = [], []
        email_field = forms.EmailField()
        lines = [line.strip() for line in self.cleaned_data["participants"].splitlines() if line.strip()]
        for number, line in enumerate(lines, start=1):
            match = PARTICIPANT_LINE.match(line)
            if not match:
                errors.append(f"Ligne {number} : écrivez « Prénom Nom, adresse électronique ».")
                continue
            try:
                email = email_field.clean(match["email"])
            except ValidationError:
                errors.append(f"Ligne {number} : l'adresse électronique n'est pas valide.")
                continue
            first, _, last = match["name"].strip().partition(" ")
            if len(first) > 100 or len(last) > 100:
                errors.append(f"Ligne {number} : le nom est trop long.")
                continue
            people.append({"first_name": first, "last_name": last.strip(), "email": email})
        if errors:
            raise ValidationError(errors)
        if not people:
            raise ValidationError("Indiquez au moins une personne à inscrire.")
        if len(people) > MAX_GROUP:
            raise ValidationError(f"Un groupe compte {MAX_GROUP} personnes au plus.")
        emails = [person["email"].lower() for person in people]
        if len(set(emails)) != len(emails):
            raise ValidationError("Chaque personne a sa propre adresse électronique : une adresse apparaît deux fois.")
        return people


class CancelForm(forms.Form):
    confirm = forms.BooleanField(
        label="Je confirme l'annulation",
        error_messages={"required": "Cochez la case pour confirmer l'annulation."},
    )
