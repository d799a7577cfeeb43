from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout, Submit
from django import forms

from communication.models import Theme
from lib.forms import HoneypotMixin
from referentiels.models import Territory, TerritoryKind

NEWSLETTER_CONSENT_TEXT = (
    "J'accepte de recevoir la lettre d'information de la CRESS La Réunion à cette adresse. "
    "Elle ne sert qu'à cela et n'est transmise à personne. Chaque lettre contient un lien de "
    "désinscription en un clic ; une inscription non confirmée est effacée après 30 jours."
)


class SubscribeForm(HoneypotMixin):
    email = forms.EmailField(label="Votre adresse électronique")
    themes = forms.MultipleChoiceField(
        label="Ce qui vous intéresse (facultatif : sans choix, vous recevez tout)",
        choices=Theme.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    territories = forms.ModelMultipleChoiceField(
        label="Vos territoires (facultatif)",
        queryset=Territory.objects.filter(kind=TerritoryKind.EPCI).order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    consent = forms.BooleanField(
        label=NEWSLETTER_CONSENT_TEXT,
        error_messages={"required": "Votre accord est nécessaire pour vous envoyer la lettre."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            "email", "themes", "territories", "consent",
            Div("website_url", css_class="hp-field", aria_hidden="true"),
            Submit("submit", "M'inscrire"),
        )  # fmt: skip
