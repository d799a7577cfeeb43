"""The buyer's forms: posting or editing a need, and the survey after the deadline."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout, Submit
from django import forms
from django.utils import timezone
from django.utils.html import linebreaks

from experimentations.models import Clause, Need
from lib.forms import ErrorLinksMixin, HoneypotMixin
from lib.richtext import clean_html, plain_text_lines
from referentiels.models import NafSection, Territory, TerritoryKind

# The form's two buttons (name « action »).
SAVE_DRAFT, SUBMIT = "brouillon", "soumettre"

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class NeedForm(ErrorLinksMixin, forms.ModelForm):
    """What a buyer says of their need. The description is plain text made into safe HTML
    (paragraphs), so that it shows like the other rich texts of the portal."""

    clauses = forms.MultipleChoiceField(
        label="Clauses sociales ou environnementales",
        choices=Clause.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sectors = forms.ModelMultipleChoiceField(
        label="Secteurs d'activité concernés",
        queryset=NafSection.objects.order_by("code"),
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choisissez au moins un secteur d'activité."},
    )
    commune = forms.ModelChoiceField(
        label="Commune d'exécution",
        queryset=Territory.objects.filter(kind=TerritoryKind.COMMUNE).order_by("name"),
        required=False,
        empty_label="Toute l'île ou plusieurs communes",
    )
    territories = forms.ModelMultipleChoiceField(
        label="Territoires concernés (facultatif)",
        queryset=Territory.objects.filter(kind__in=[TerritoryKind.EPCI, TerritoryKind.REGION]).order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Une intercommunalité, ou La Réunion entière. Sans choix : la commune.",
    )
    answer_deadline = forms.DateTimeField(
        label="Date limite de réponse (heure de La Réunion)",
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
        error_messages={"invalid": "Saisissez une date et une heure (par exemple 15/03/2027 12:00)."},
    )
    description = forms.CharField(
        label="Description du besoin",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Ce que vous voulez acheter, les quantités, les contraintes. Les paragraphes sont conservés.",
    )

    class Meta:
        model = Need
        fields = [
            "buyer_kind",
            "buyer_name",
            "contact_name",
            "contact_email",
            "contact_phone",
            "kind",
            "title",
            "description",
            "sectors",
            "commune",
            "territories",
            "budget_min",
            "budget_max",
            "starts_on",
            "ends_on",
            "answer_deadline",
            "clauses",
            "clauses_detail",
            "how_to_answer",
            "wanted_answers",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "clauses_detail": forms.Textarea(attrs={"rows": 3}),
            "how_to_answer": forms.Textarea(attrs={"rows": 3}),
            "contact_email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "contact_phone": forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
            "contact_name": forms.TextInput(attrs={"autocomplete": "name"}),
        }
        error_messages = {
            "contact_email": {"invalid": "Saisissez une adresse électronique valide."},
            "budget_min": {"invalid": "Saisissez un montant en euros, sans décimales."},
            "budget_max": {"invalid": "Saisissez un montant en euros, sans décimales."},
            "starts_on": {"invalid": "Saisissez une date (par exemple 15/03/2027)."},
            "ends_on": {"invalid": "Saisissez une date (par exemple 15/03/2027)."},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("starts_on", "ends_on"):
            self.fields[name].input_formats = ["%Y-%m-%d", "%d/%m/%Y"]
        if self.instance.pk and not self.is_bound:
            self.initial["description"] = plain_text_lines(self.instance.description)
            self.initial["answer_deadline"] = timezone.localtime(self.instance.answer_deadline)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset("L'acheteur", "buyer_kind", "buyer_name", "contact_name", "contact_email", "contact_phone"),
            Fieldset("Le besoin", "kind", "title", "description", "sectors"),
            Fieldset(
                "Lieu, budget et dates",
                "commune",
                "territories",
                Div("budget_min", "budget_max"),
                Div("starts_on", "ends_on"),
                "answer_deadline",
            ),
            Fieldset("Les réponses", "clauses", "clauses_detail", "how_to_answer", "wanted_answers"),
        )

    def clean_description(self):
        # Plain text in, safe HTML out: each paragraph a <p>, each line break a <br>.
        return clean_html(linebreaks(self.cleaned_data["description"], autoescape=True))

    def clean_answer_deadline(self):
        deadline = self.cleaned_data["answer_deadline"]
        if deadline <= timezone.now():
            raise forms.ValidationError("La date limite de réponse doit être dans le futur (heure de La Réunion).")
        return deadline

    def clean(self):
        data = super().clean()
        low, high = data.get("budget_min"), data.get("budget_max")
        if low is not None and high is not None and low > high:
            self.add_error("budget_max", "Le budget maximum doit être supérieur ou égal au budget minimum.")
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and starts > ends:
            self.add_error("ends_on", "La fin de la prestation doit suivre son début.")
        return data

    def values(self) -> dict:
        """The cleaned answers for the service, without the many-to-many choices."""
        data = self.cleaned_data
        return {name: data[name] for name in self.Meta.fields if name not in ("sectors", "territories")}


class NewNeedForm(HoneypotMixin, NeedForm):
    consent = forms.BooleanField(
        label="",
        error_messages={"required": "Votre accord est nécessaire pour que nous puissions traiter votre besoin."},
    )

    def __init__(self, *args, consent_text: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].label = consent_text
        self.helper.layout.append(Fieldset("Vos données", "consent"))
        self.helper.layout.append(Div("website_url", css_class="hp-field", aria_hidden="true"))


class SurveyForm(ErrorLinksMixin, forms.Form):
    deal_made = forms.TypedChoiceField(
        label="Avez-vous conclu un marché ou passé commande auprès d'un fournisseur de l'ESS pour ce besoin ?",
        choices=[("oui", "Oui"), ("non", "Non")],
        coerce=lambda value: value == "oui",
        widget=forms.RadioSelect,
        error_messages={"required": "Répondez par oui ou par non."},
    )
    deal_amount = forms.IntegerField(
        label="Pour quel montant (en euros hors taxes) ?",
        min_value=0,
        max_value=2_000_000_000,
        required=False,
        help_text="Si oui : le montant acheté aux fournisseurs de l'ESS.",
        error_messages={"invalid": "Saisissez un montant en euros, sans décimales."},
    )
    comment = forms.CharField(
        label="Un commentaire (facultatif)", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("submit", "Envoyer ma réponse"))

    def clean(self):
        data = super().clean()
        if data.get("deal_made") and data.get("deal_amount") is None:
            self.add_error("deal_amount", "Indiquez le montant acheté aux fournisseurs de l'ESS.")
        return data
