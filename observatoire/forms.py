from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout, Submit
from django import forms
from django.conf import settings

from lib.forms import HoneypotMixin
from observatoire.models import Publication
from observatoire.panoramas import validate_study_pdf
from observatoire.reference import Reference
from referentiels.models import TerritoryKind

KIND_GROUPS = (
    (TerritoryKind.REGION, "Région"),
    (TerritoryKind.ARRONDISSEMENT, "Arrondissements"),
    (TerritoryKind.EPCI, "Intercommunalités"),
    (TerritoryKind.COMMUNE, "Communes"),
)


def panorama_consent_text() -> str:
    return (
        "J'accepte que la CRESS La Réunion utilise mon adresse électronique pour m'envoyer le lien de "
        "téléchargement de ce panorama, et à rien d'autre. Elle n'est transmise à personne et elle est effacée "
        f"{settings.PANORAMA_REQUEST_RETENTION_DAYS} jours après la demande."
    )


def territory_choices(reference: Reference) -> list:
    return [(label, [(t.code, t.name) for t in reference.territories if t.kind == kind]) for kind, label in KIND_GROUPS]


class PanoramaRequestForm(HoneypotMixin):
    territory = forms.ChoiceField(
        label="Territoire",
        error_messages={
            "required": "Choisissez un territoire.",
            "invalid_choice": "Ce territoire n'existe pas : choisissez-en un dans la liste.",
        },
    )
    year = forms.TypedChoiceField(
        label="Millésime (données au 31 décembre)",
        coerce=int,
        error_messages={
            "required": "Choisissez un millésime.",
            "invalid_choice": "Aucun millésime publié pour cette année : choisissez-en un dans la liste.",
        },
    )
    email = forms.EmailField(
        label="Votre adresse électronique",
        help_text="Le lien de téléchargement vous est envoyé à cette adresse.",
        error_messages={
            "required": "Indiquez l'adresse à laquelle envoyer le lien.",
            "invalid": "Cette adresse électronique n'est pas valide (exemple : prenom.nom@exemple.re).",
        },
    )
    consent = forms.BooleanField(
        error_messages={"required": "Votre accord est nécessaire pour vous envoyer le lien."},
    )

    def __init__(self, *args, reference: Reference, **kwargs):
        super().__init__(*args, **kwargs)
        self.reference = reference
        self.fields["territory"].choices = territory_choices(reference)
        self.fields["year"].choices = [(m.year, str(m.year)) for m in reversed(reference.millesimes)]
        self.fields["consent"].label = panorama_consent_text()
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            "territory", "year", "email", "consent",
            Div("website_url", css_class="hp-field", aria_hidden="true"),
            Submit("submit", "Demander le panorama"),
        )  # fmt: skip

    def clean(self):
        data = super().clean()
        if "territory" in data:
            data["territory"] = self.reference.territory(data["territory"])
        if "year" in data:
            data["millesime"] = next(m for m in self.reference.millesimes if m.year == data["year"])
        return data


class PublicationAdminForm(forms.ModelForm):
    class Meta:
        model = Publication
        fields = ["title", "published_on", "summary", "territory", "file"]

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and hasattr(upload, "content_type"):  # a new upload, not the stored file
            validate_study_pdf(upload)
        return upload
