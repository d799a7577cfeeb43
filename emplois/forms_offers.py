"""The employer's form of an offer (its space): every field, French labels, help and errors.

The description and the profile are plain text made into safe HTML (paragraphs), as the
buyer's need is; the service sanitises them again on save.
"""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout
from django import forms
from django.utils.html import linebreaks

from emplois.models import ApplyMode, Contract, Offer, Remote
from emplois.offers import reunion_today
from lib.forms import ErrorLinksMixin
from lib.richtext import clean_html, plain_text_lines
from referentiels.models import RomeFiche, Territory, TerritoryKind

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
DATE_ERROR = "Saisissez une date (par exemple 15/03/2027)."
AMOUNT_ERROR = "Saisissez un montant en euros (par exemple 1850 ou 11,65)."


class RomeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.label} ({obj.code})"


class OfferForm(ErrorLinksMixin, forms.ModelForm):
    rome = RomeChoiceField(
        label="Métier (répertoire ROME de France Travail)",
        queryset=RomeFiche.objects.order_by("label"),
        help_text="Le métier le plus proche du poste ou de la mission : il sert à la recherche et aux alertes.",
        error_messages={"required": "Choisissez le métier.", "invalid_choice": "Choisissez un métier de la liste."},
    )
    commune = forms.ModelChoiceField(
        label="Commune",
        queryset=Territory.objects.filter(kind=TerritoryKind.COMMUNE).order_by("name"),
        required=False,
        empty_label="Aucune (entièrement à distance)",
        error_messages={"invalid_choice": "Choisissez une commune de la liste."},
    )
    description = forms.CharField(
        label="Description du poste ou de la mission",
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Les missions, l'équipe, les conditions. Les paragraphes sont conservés.",
        error_messages={"required": "Décrivez le poste ou la mission."},
    )
    profile = forms.CharField(
        label="Profil recherché",
        max_length=10000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Diplômes, expérience, qualités attendues (facultatif).",
    )

    class Meta:
        model = Offer
        fields = [
            "title", "rome", "contract", "working_time", "hours_per_week", "duration_months", "volunteer_time",
            "pay_min", "pay_max", "pay_period", "commune", "remote", "starts_on", "closes_on", "description",
            "profile", "apply_mode", "apply_email", "apply_url", "contact_email",
        ]  # fmt: skip
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "closes_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "apply_email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "contact_email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }
        help_texts = {
            "title": "Par exemple « Aide à domicile » ou « Bénévole pour l'aide aux devoirs ».",
            "contract": "Bénévolat : une mission non rémunérée. Service civique : une mission indemnisée.",
            "pay_min": "Obligatoire pour un emploi (directive européenne 2023/970 sur la transparence des salaires).",
            "pay_max": "Laissez vide si le montant est fixe.",
            "hours_per_week": "Par exemple 35 ou 24,5.",
            "closes_on": "L'offre est retirée le lendemain de cette date.",
            "apply_mode": "Sur le portail : les candidatures vous parviennent par un lien privé, jamais le CV "
            "en pièce jointe.",
        }
        error_messages = {
            "title": {"required": "Indiquez l'intitulé du poste ou de la mission."},
            "contract": {"required": "Choisissez le contrat.", "invalid_choice": "Choisissez un contrat de la liste."},
            "working_time": {"invalid_choice": "Choisissez un temps de travail de la liste."},
            "hours_per_week": {"invalid": "Saisissez un nombre d'heures (par exemple 35)."},
            "duration_months": {"invalid": "Saisissez un nombre de mois."},
            "pay_min": {"invalid": AMOUNT_ERROR},
            "pay_max": {"invalid": AMOUNT_ERROR},
            "pay_period": {"invalid_choice": "Choisissez une période de la liste."},
            "remote": {"required": "Indiquez le lieu de travail.", "invalid_choice": "Choisissez un lieu de la liste."},
            "starts_on": {"invalid": DATE_ERROR},
            "closes_on": {"required": "Indiquez la date limite de candidature.", "invalid": DATE_ERROR},
            "apply_mode": {"invalid_choice": "Choisissez comment candidater."},
            "apply_email": {"invalid": "Saisissez une adresse électronique valide."},
            "apply_url": {"invalid": "Saisissez une adresse web complète (https://…)."},
            "contact_email": {
                "required": "Indiquez l'adresse qui reçoit les candidatures.",
                "invalid": "Saisissez une adresse électronique valide.",
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("starts_on", "closes_on"):
            self.fields[name].input_formats = DATE_FORMATS
        for name in ("hours_per_week", "duration_months", "pay_min", "pay_max"):
            self.fields[name].error_messages.update(
                {
                    "min_value": "Saisissez un nombre positif.",
                    "max_value": "Ce nombre est trop grand.",
                    "max_digits": "Ce nombre est trop grand.",
                    "max_decimal_places": "Deux décimales au plus.",
                    "max_whole_digits": "Ce nombre est trop grand.",
                }
            )
        for field in self.fields.values():
            if getattr(field, "max_length", None):
                field.error_messages["max_length"] = f"{field.max_length} caractères au plus."
        if self.instance.pk and not self.is_bound:
            self.initial["description"] = plain_text_lines(self.instance.description)
            self.initial["profile"] = plain_text_lines(self.instance.profile)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset("Le poste ou la mission", "title", "rome", "contract", "description", "profile"),
            Fieldset(
                "Temps et rémunération",
                Div("working_time", "hours_per_week", "duration_months"),
                "volunteer_time",
                Div("pay_min", "pay_max", "pay_period"),
            ),
            Fieldset("Lieu et dates", "commune", "remote", Div("starts_on", "closes_on")),
            Fieldset("Candidatures", "apply_mode", "apply_email", "apply_url", "contact_email"),
        )

    def _paragraphs(self, name):
        return clean_html(linebreaks(self.cleaned_data.get(name, ""), autoescape=True))

    def clean_description(self):
        return self._paragraphs("description")

    def clean_closes_on(self):
        closes = self.cleaned_data["closes_on"]
        if closes < reunion_today():
            raise forms.ValidationError("La date limite de candidature ne peut pas être passée.")
        return closes

    def clean_profile(self):
        return self._paragraphs("profile") if self.cleaned_data.get("profile") else ""

    def clean(self):
        data = super().clean()
        volunteering = data.get("contract") == Contract.VOLUNTEERING
        if volunteering:
            if not data.get("volunteer_time"):
                self.add_error("volunteer_time", "Indiquez le temps demandé au bénévole (« 2 heures par semaine »…).")
            for name in ("pay_min", "pay_max", "pay_period"):
                if data.get(name):
                    self.add_error(name, "Une mission bénévole n'est pas rémunérée : laissez ce champ vide.")
        elif data.get("contract"):
            if data.get("pay_min") is None and "pay_min" not in self.errors:
                self.add_error("pay_min", "Indiquez la rémunération (au moins le minimum) : elle est obligatoire.")
            if not data.get("pay_period") and "pay_period" not in self.errors:
                self.add_error("pay_period", "Indiquez si la rémunération est horaire, mensuelle ou annuelle.")
        low, high = data.get("pay_min"), data.get("pay_max")
        if low is not None and high is not None and low > high:
            self.add_error("pay_max", "La rémunération maximale doit être supérieure ou égale à la minimale.")
        if data.get("remote") == Remote.NONE and not data.get("commune") and "remote" not in self.errors:
            self.add_error("commune", "Choisissez la commune du poste, ou indiquez qu'il est à distance.")
        if (
            data.get("apply_mode") == ApplyMode.EMAIL
            and not data.get("apply_email")
            and "apply_email" not in self.errors
        ):
            self.add_error("apply_email", "Indiquez l'adresse à laquelle candidater.")
        if (
            data.get("apply_mode") == ApplyMode.EXTERNAL
            and not data.get("apply_url")
            and "apply_url" not in self.errors
        ):
            self.add_error("apply_url", "Indiquez l'adresse du site où candidater.")
        return data

    def validate_constraints(self):
        """The table's constraints are checked by the service on the whole offer (its kind and
        organisation are not fields here); `clean()` says each of them in French, on its field."""

    def values(self) -> dict:
        """The cleaned answers for the service (emplois.offers.save_offer)."""
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}
