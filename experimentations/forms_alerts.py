from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout, Submit
from django import forms

from experimentations.models import ToolAlert
from lib.forms import HoneypotMixin

ALERT_CONSENT_TEXT = (
    "J'accepte de recevoir à cette adresse les alertes de la CRESS La Réunion sur les financements "
    "de l'ESS que je demande ici. Elle ne sert qu'à cela et n'est transmise à personne. Chaque "
    "courriel contient un lien de désinscription en un clic, qui efface l'adresse ; une alerte non "
    "confirmée est effacée après 7 jours."
)


class AlertForm(HoneypotMixin):
    email = forms.EmailField(
        label="Votre adresse électronique",
        max_length=254,
        error_messages={
            "required": "Indiquez l'adresse où recevoir les alertes.",
            "invalid": "Cette adresse électronique n'est pas valable (exemple : nom@exemple.re).",
            "max_length": "Cette adresse électronique est trop longue.",
        },
    )
    frequency = forms.ChoiceField(
        label="Recevoir les nouveautés",
        choices=ToolAlert.Frequency.choices,
        initial=ToolAlert.Frequency.WEEKLY,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choisissez la fréquence des courriels.",
            "invalid_choice": "Choisissez « chaque jour » ou « chaque semaine ».",
        },
    )
    consent = forms.BooleanField(
        label=ALERT_CONSENT_TEXT,
        error_messages={"required": "Votre accord est nécessaire pour vous envoyer les alertes."},
    )

    def __init__(self, *args, follow_call: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        fields = ["email", "frequency", "consent"]
        if follow_call:  # one call: its reminders only, no digest
            del self.fields["frequency"]
            fields.remove("frequency")
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            *fields,
            Div("website_url", css_class="hp-field", aria_hidden="true"),
            Submit("submit", "Créer l'alerte"),
        )
