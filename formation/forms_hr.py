"""The public forms of HR support: the employer's request, the answer on the follow-up page,
and the renewal of the private link. Validation only; the services in formation.hr act."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout, Submit
from django import forms
from django.urls import reverse_lazy

from annuaire.selectors import published_organisation_named
from formation.hr import CONSENT_TEXT
from formation.models import HrRequest
from lib.forms import ErrorLinksMixin, HoneypotMixin

HONEYPOT = Div("website_url", css_class="hp-field", aria_hidden="true")
MAX_HEADCOUNT = 100_000


class HrRequestForm(ErrorLinksMixin, HoneypotMixin):
    organisation_name = forms.CharField(
        label="Votre structure",
        max_length=200,
        help_text="Tapez son nom : les structures de l'annuaire de l'ESS vous sont proposées. Si la vôtre n'y est "
        "pas, écrivez simplement son nom.",
        # Suggestions as one types (static/js/suggestions.js); the directory's record is found on sending.
        widget=forms.TextInput(
            attrs={
                "autocomplete": "organization",
                "data-suggestions": reverse_lazy("formation:appui-rh-structures"),
                "data-suggestions-noun": "structure",
            }
        ),
        error_messages={"required": "Indiquez le nom de votre structure."},
    )
    headcount = forms.IntegerField(
        label="Nombre de salarié·es",
        min_value=0,
        max_value=MAX_HEADCOUNT,
        required=False,
        help_text="Facultatif ; 0 si la structure n'emploie encore personne.",
        error_messages={
            "invalid": "Indiquez le nombre de salarié·es en chiffres, par exemple 12.",
            "min_value": "Le nombre de salarié·es ne peut pas être négatif.",
            "max_value": f"Le nombre de salarié·es ne peut pas dépasser {MAX_HEADCOUNT:_}.".replace("_", " "),
        },
    )
    contact_name = forms.CharField(
        label="Vos prénom et nom",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": "Indiquez votre nom, pour que nous sachions à qui répondre."},
    )
    email = forms.EmailField(
        label="Adresse électronique",
        max_length=254,
        help_text="Nous y envoyons la référence de votre demande et votre lien personnel de suivi.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": "Indiquez votre adresse électronique.",
            "invalid": "Indiquez une adresse électronique valide, par exemple nom@exemple.re.",
        },
    )
    phone = forms.CharField(
        label="Téléphone (facultatif)",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        error_messages={"max_length": "Le numéro de téléphone compte 20 caractères au plus."},
    )
    need = forms.ChoiceField(
        label="Votre besoin",
        choices=HrRequest.Need.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choisissez le besoin qui correspond le mieux à votre question.",
            "invalid_choice": "Choisissez l'un des besoins proposés.",
        },
    )
    description = forms.CharField(
        label="Décrivez votre question",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Le contexte, ce que vous avez déjà fait, vos échéances. 5 000 caractères au plus.",
        error_messages={"required": "Décrivez votre question en quelques lignes."},
    )
    consent = forms.BooleanField(
        label=CONSENT_TEXT,
        error_messages={"required": "Votre accord est nécessaire pour que nous puissions répondre à votre demande."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("description", "organisation_name", "contact_name"):
            self.fields[name].error_messages["max_length"] = (
                f"{self.fields[name].label} : {self.fields[name].max_length} caractères au plus."
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "organisation_name",
            "headcount",
            "contact_name",
            "email",
            "phone",
            "need",
            "description",
            "consent",
            HONEYPOT,
        )

    def values(self) -> dict:
        """The request's fields as formation.hr.submit_hr_request takes them, with the
        directory's record when the name typed is one of its published structures."""
        data = self.cleaned_data
        names = ["organisation_name", "headcount", "contact_name", "email", "phone", "need", "description"]
        return {
            **{name: data[name] for name in names},
            "organisation": published_organisation_named(data["organisation_name"]),
        }


class EmployerAnswerForm(HoneypotMixin):
    body = forms.CharField(
        label="Votre message",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Écrivez votre message avant de l'envoyer.",
            "max_length": "Votre message compte 5 000 caractères au plus.",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout("body", HONEYPOT)
        self.helper.add_input(Submit("submit", "Envoyer à la CRESS"))
