"""The skills record's forms: start a record (email and consent), an experience with its
skills and, for a volunteer, the answers the compte d'engagement citoyen needs."""

from datetime import date

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout, Submit
from django import forms
from django.utils import timezone

from emplois.models_skills import SkillsExperience
from emplois.skills import CONSENT_TEXT, skill_domains
from lib.forms import ErrorLinksMixin, HoneypotMixin

Kind = SkillsExperience.Kind
Answer = SkillsExperience.Answer
Role = SkillsExperience.VolunteerRole
EARLIEST = date(1950, 1, 1)
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


class StartForm(ErrorLinksMixin, HoneypotMixin):
    email = forms.EmailField(
        label="Votre adresse électronique",
        max_length=254,
        help_text="Le lien de votre dossier y est envoyé ; elle ne sert qu'à cela.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": "Indiquez l'adresse où recevoir le lien de votre dossier.",
            "invalid": "Cette adresse électronique n'est pas valable (exemple : nom@exemple.re).",
            "max_length": "Cette adresse électronique est trop longue.",
        },
    )
    name_on_summary = forms.CharField(
        label="Votre nom sur la synthèse (facultatif)",
        max_length=120,
        required=False,
        help_text="Imprimé sur la synthèse PDF ; vous pouvez le laisser vide.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"max_length": "Le nom ne doit pas dépasser 120 caractères."},
    )
    consent = forms.BooleanField(
        label=CONSENT_TEXT,
        error_messages={"required": "Votre accord est nécessaire pour créer le dossier."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "email", "name_on_summary", "consent", Div("website_url", css_class="hp-field", aria_hidden="true")
        )
        self.helper.add_input(Submit("submit", "Créer mon dossier"))


def _answer_field(label: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=Answer.choices,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choisissez « oui », « non » ou « je ne sais pas »."},
    )


class ExperienceForm(ErrorLinksMixin, forms.Form):
    role = forms.CharField(
        label="Fonction ou mission",
        max_length=150,
        help_text="Par exemple : trésorière, animateur d'atelier, aide à domicile.",
        error_messages={
            "required": "Indiquez la fonction ou la mission.",
            "max_length": "La fonction ne doit pas dépasser 150 caractères.",
        },
    )
    organisation_name = forms.CharField(
        label="Structure",
        max_length=200,
        help_text="Association, coopérative, entreprise… Écrite comme dans l'annuaire de l'ESS, elle y est reliée.",
        error_messages={
            "required": "Indiquez la structure.",
            "max_length": "Le nom de la structure ne doit pas dépasser 200 caractères.",
        },
    )
    kind = forms.ChoiceField(
        label="Statut",
        choices=Kind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Indiquez si vous étiez bénévole, salarié(e) ou volontaire en service civique.",
            "invalid_choice": "Choisissez un des statuts proposés.",
        },
    )
    starts_on = forms.DateField(
        label="Début",
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": "Indiquez la date de début.",
            "invalid": "Indiquez une date valable, par exemple 15/09/2024.",
        },
    )
    ends_on = forms.DateField(
        label="Fin (vide si en cours)",
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Indiquez une date valable, par exemple 30/06/2025."},
    )
    hours_total = forms.IntegerField(
        label="Heures au total",
        required=False,
        min_value=1,
        max_value=100_000,
        error_messages={
            "invalid": "Indiquez un nombre entier d'heures, par exemple 120.",
            "min_value": "Le nombre d'heures doit être d'au moins 1.",
            "max_value": "Le nombre d'heures ne peut dépasser 100 000.",
        },
    )
    hours_per_week = forms.DecimalField(
        label="Ou heures par semaine",
        required=False,
        min_value=0.5,
        max_value=80,
        max_digits=4,
        decimal_places=1,
        error_messages={
            "invalid": "Indiquez un nombre d'heures par semaine, par exemple 3 ou 2,5.",
            "min_value": "Au moins une demi-heure par semaine.",
            "max_value": "Au plus 80 heures par semaine.",
            "max_digits": "Indiquez un nombre d'heures par semaine, par exemple 3 ou 2,5.",
            "max_decimal_places": "Une décimale au plus, par exemple 2,5.",
            "max_whole_digits": "Au plus 80 heures par semaine.",
        },
        localize=True,
    )
    description = forms.CharField(
        label="Ce que vous avez fait",
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": "La description ne doit pas dépasser 3 000 caractères."},
    )
    skills = forms.MultipleChoiceField(
        label="Compétences mises en œuvre",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choisissez les compétences dans la liste proposée."},
    )
    association_three_years = _answer_field("L'association est-elle déclarée depuis au moins 1 an ?")
    general_interest = _answer_field("Ses activités sont-elles d'intérêt général ?")
    volunteer_role = forms.ChoiceField(
        label="Votre rôle de bénévole",
        choices=Role.choices,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choisissez un des rôles proposés."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["skills"].choices = [(domain.label, list(domain.items)) for domain in skill_domains()]

    def skill_groups(self):
        """(domain, [bound checkboxes]) for the template: one fieldset per domain."""
        boxes = {box.data["value"]: box for box in self["skills"]}
        return [(domain, [boxes[code] for code, _ in domain.items if code in boxes]) for domain in skill_domains()]

    def clean(self):
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        today = timezone.localdate()
        if starts_on and (starts_on < EARLIEST or starts_on > today):
            self.add_error("starts_on", f"La date de début doit être entre 1950 et aujourd'hui ({today:%d/%m/%Y}).")
        if ends_on and ends_on.year > today.year + 5:
            self.add_error("ends_on", "La date de fin est trop lointaine.")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", "La date de fin doit suivre la date de début.")
        if data.get("hours_total") and data.get("hours_per_week"):
            self.add_error("hours_per_week", "Indiquez les heures au total ou par semaine, pas les deux.")
        return data

    def values(self) -> dict:
        return dict(self.cleaned_data)

    @classmethod
    def initial_from(cls, experience: SkillsExperience) -> dict:
        return {name: getattr(experience, name) for name in cls.base_fields}
