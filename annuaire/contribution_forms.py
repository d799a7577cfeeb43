"""Public forms of the directory: propose an organisation or a correction, claim a page,
and the members' edit form."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout, Submit
from django import forms

from annuaire.models import Category, Organisation
from annuaire.validators import validate_logo
from lib.forms import HoneypotMixin
from referentiels.models import LegalForm, ProjectStage, Territory, TerritoryKind
from referentiels.validators import normalise_identifier, validate_siret

CONSENT_TEXT = (
    "J'accepte que la CRESS La Réunion conserve mon nom et mon adresse électronique pour traiter "
    "cette demande et me répondre. Ces données sont supprimées 12 mois après le traitement."
)


class ConsentMixin(forms.Form):
    consent = forms.BooleanField(
        label=CONSENT_TEXT,
        error_messages={"required": "Votre accord est nécessaire pour que nous puissions traiter la demande."},
    )


class OrganisationFieldsMixin(forms.Form):
    name = forms.CharField(label="Nom de la structure", max_length=255)
    acronym = forms.CharField(label="Sigle", max_length=50, required=False)
    siret = forms.CharField(
        label="SIRET", max_length=20, required=False, help_text="14 chiffres, si vous le connaissez."
    )
    legal_form = forms.ModelChoiceField(
        label="Forme juridique",
        queryset=LegalForm.objects.order_by("label"),
        required=False,
        empty_label="Je ne sais pas",
    )
    description = forms.CharField(
        label="Présentation", widget=forms.Textarea(attrs={"rows": 5}), max_length=5000, required=False
    )
    address = forms.CharField(label="Adresse", max_length=255, required=False)
    postcode = forms.RegexField(
        label="Code postal",
        regex=r"^97[0-9]{3}$",
        required=False,
        error_messages={"invalid": "Saisissez un code postal de La Réunion (974xx)."},
    )
    commune = forms.ModelChoiceField(
        label="Commune", queryset=Territory.objects.filter(kind=TerritoryKind.COMMUNE).order_by("name")
    )
    website = forms.URLField(label="Site internet", required=False, assume_scheme="https")
    email = forms.EmailField(label="Adresse électronique de la structure", required=False)
    phone = forms.RegexField(
        label="Téléphone",
        regex=r"^\+?[0-9 .()-]{6,20}$",
        required=False,
        error_messages={"invalid": "Saisissez un numéro de téléphone (chiffres, espaces, points ou tirets)."},
    )
    creation_year = forms.IntegerField(label="Année de création", min_value=1800, max_value=2100, required=False)
    categories = forms.ModelMultipleChoiceField(
        label="Thématiques", queryset=Category.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    is_support_structure = forms.BooleanField(label="Structure d'accompagnement de porteurs de projet", required=False)
    is_funder = forms.BooleanField(label="Financeur", required=False)
    is_supplier = forms.BooleanField(label="Fournisseur pour l'achat responsable", required=False)

    def clean_siret(self):
        value = normalise_identifier(self.cleaned_data.get("siret", ""))
        if value:
            validate_siret(value)
        return value


class ContributionForm(HoneypotMixin, ConsentMixin, OrganisationFieldsMixin):
    logo = forms.ImageField(
        label="Logo", required=False, validators=[validate_logo], help_text="PNG, JPEG ou WebP, 1 Mo au plus."
    )
    message = forms.CharField(
        label="Message pour l'équipe de la CRESS",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=3000,
        required=False,
    )
    contributor_name = forms.CharField(label="Votre nom", max_length=150)
    contributor_email = forms.EmailField(label="Votre adresse électronique")

    def __init__(self, *args, submit_label="Envoyer la proposition", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.attrs = {"enctype": "multipart/form-data", "novalidate": ""}
        self.helper.layout = Layout(
            Fieldset(
                "La structure",
                "name", "acronym", "siret", "legal_form", "description", "categories",
                "is_support_structure", "is_funder", "is_supplier", "creation_year", "logo",
            ),
            Fieldset("Coordonnées", "address", "postcode", "commune", "website", "email", "phone"),
            Fieldset("Vous", "contributor_name", "contributor_email", "message", "consent"),
            Div("website_url", css_class="hp-field", aria_hidden="true"),
            Submit("submit", submit_label),
        )  # fmt: skip

    def organisation_values(self) -> dict:
        return {field: self.cleaned_data.get(field) for field in OrganisationFieldsMixin.base_fields}


class ClaimForm(HoneypotMixin, ConsentMixin):
    name = forms.CharField(label="Votre nom et prénom", max_length=150)
    email = forms.EmailField(label="Votre adresse électronique")
    position = forms.CharField(label="Votre fonction dans la structure", max_length=150)
    message = forms.CharField(
        label="Message (facultatif)", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            "name", "email", "position", "message", "consent",
            Div("website_url", css_class="hp-field", aria_hidden="true"),
            Submit("submit", "Envoyer la demande"),
        )  # fmt: skip


def support_stages_field() -> forms.Field:
    """The stages a support structure accompanies, as boxes to tick (stored as a list)."""
    return forms.TypedMultipleChoiceField(
        label="Stades de projet accompagnés",
        choices=ProjectStage.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Pour une structure d'accompagnement : les projets qu'elle peut suivre.",
    )


class MemberEditForm(forms.ModelForm):
    """What a verified member may change on their organisation's page. Not the roles
    « structure d'accompagnement » and « financeur »: they bring orientations, so staff
    set them in the admin; a posted value for them is ignored."""

    support_stages = support_stages_field()

    class Meta:
        model = Organisation
        fields = [
            "acronym", "description", "address", "postcode", "commune", "website", "email", "phone", "logo",
            "categories", "creation_year", "headcount_band", "support_stages", "is_supplier",
        ]  # fmt: skip
        widgets = {"categories": forms.CheckboxSelectMultiple, "description": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = Territory.objects.filter(kind=TerritoryKind.COMMUNE).order_by("name")
        self.helper = FormHelper()
        self.helper.attrs = {"enctype": "multipart/form-data", "novalidate": ""}
        self.helper.add_input(Submit("submit", "Enregistrer la fiche"))
