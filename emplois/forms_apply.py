"""The candidate's forms: applying to an offer, asking for a new link; and the employer's
message with an interview proposal. Validation only: the services in emplois.applications act."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout
from django import forms
from django.conf import settings

from emplois.applications import APPLICATION_KINDS
from lib.forms import ErrorLinksMixin, HoneypotMixin
from lib.uploads import accepted_label, validate_document

ACCEPT = ".pdf,.odt,.docx,application/pdf,application/vnd.oasis.opendocument.text,"
ACCEPT += "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _file_help() -> str:
    return f"{accepted_label(APPLICATION_KINDS)}, {settings.APPLICATION_MAX_MB} Mo au plus."


class ApplicationForm(HoneypotMixin, ErrorLinksMixin, forms.Form):
    name = forms.CharField(
        label="Nom et prénom",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": "Indiquez votre nom et votre prénom."},
    )
    email = forms.EmailField(
        label="Adresse électronique",
        max_length=254,
        help_text="Votre lien personnel pour suivre la candidature y est envoyé.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": "Indiquez votre adresse électronique.",
            "invalid": "Saisissez une adresse électronique valide (par exemple nom@exemple.re).",
        },
    )
    phone = forms.RegexField(
        label="Téléphone (facultatif)",
        regex=r"^\+?[0-9 .()-]{6,25}$",
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
        error_messages={"invalid": "Saisissez un numéro de téléphone (chiffres, espaces, points ou tirets)."},
    )
    message = forms.CharField(
        label="Votre message à l'employeur",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Pourquoi ce poste vous intéresse, ce que vous apportez. 5 000 caractères au plus.",
        error_messages={
            "required": "Écrivez un message à l'employeur.",
            "max_length": "Votre message est trop long : 5 000 caractères au plus (il en compte %(show_value)d).",
        },
    )
    cv = forms.FileField(
        label="Votre CV",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        error_messages={
            "required": "Joignez votre CV.",
            "empty": "Le fichier du CV est vide.",
            "invalid": "Le CV n'a pas pu être lu : joignez-le de nouveau.",
        },
    )
    letter = forms.FileField(
        label="Lettre de motivation (facultatif)",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        error_messages={"empty": "Le fichier de la lettre est vide.", "invalid": "La lettre n'a pas pu être lue."},
    )
    consent = forms.BooleanField(
        label="",
        error_messages={"required": "Votre accord est nécessaire pour transmettre votre candidature à l'employeur."},
    )

    def __init__(self, *args, consent_text: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.consent_text = consent_text
        self.fields["consent"].label = consent_text
        for name in ("cv", "letter"):
            self.fields[name].help_text = _file_help()
            self.fields[name].max_length = 200
            self.fields[name].error_messages["max_length"] = "Le nom du fichier est trop long (200 caractères au plus)."
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset("Vous", "name", "email", "phone"),
            Fieldset("Votre candidature", "message", "cv", "letter"),
            Fieldset("Vos données", "consent"),
            Div("website_url", css_class="hp-field", aria_hidden="true"),
        )

    def _document(self, name: str):
        upload = self.cleaned_data.get(name)
        if upload:
            validate_document(upload, max_bytes=settings.APPLICATION_MAX_MB * 1024 * 1024, kinds=APPLICATION_KINDS)
        return upload

    def clean_cv(self):
        return self._document("cv")

    def clean_letter(self):
        return self._document("letter")

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Indiquez votre nom et votre prénom.")
        return name

    def clean_message(self):
        message = self.cleaned_data["message"].strip()
        if not message:
            raise forms.ValidationError("Écrivez un message à l'employeur.")
        return message


class NewLinkForm(HoneypotMixin, ErrorLinksMixin, forms.Form):
    email = forms.EmailField(
        label="Votre adresse électronique",
        max_length=254,
        help_text="Celle de votre candidature, ou, pour l'employeur, celle qui reçoit les candidatures de l'offre.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": "Indiquez votre adresse électronique.",
            "invalid": "Saisissez une adresse électronique valide (par exemple nom@exemple.re).",
        },
    )
    reference = forms.RegexField(
        label="Référence de la candidature",
        regex=r"^\s*[Cc][Aa][Nn][Dd]-\d{4}-\d{5}\s*$",
        max_length=30,
        help_text="Elle figure dans les courriels reçus, par exemple CAND-2026-00042.",
        error_messages={
            "required": "Indiquez la référence de la candidature.",
            "invalid": "La référence s'écrit CAND-, l'année, un tiret et cinq chiffres (par exemple CAND-2026-00042).",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout("email", "reference", Div("website_url", css_class="hp-field", aria_hidden="true"))


class InterviewForm(ErrorLinksMixin, forms.Form):
    message = forms.CharField(
        label="Votre proposition d'entretien",
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="La date, l'heure, le lieu (ou le lien de la visioconférence) et comment vous confirmer sa venue. "
        "Ce message est envoyé au candidat ou à la candidate.",
        error_messages={
            "required": "Écrivez votre proposition d'entretien : la date, le lieu et comment vous répondre.",
            "max_length": "Votre message est trop long : 3 000 caractères au plus (il en compte %(show_value)d).",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
