"""The intake form, in steps, and the tracking page's forms."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout, Submit
from django import forms
from django.conf import settings

from accueil.guide import Activity, Answers, Founders, Governance, ProfitSharing, Purpose
from accueil.models import Need, Orientation, ParticipantProfile, Stage
from lib.forms import HoneypotMixin
from lib.uploads import ACCEPTED, validate_document
from referentiels.models import LegalForm, NafSection, Territory, TerritoryKind
from referentiels.validators import normalise_identifier, validate_siret

CONSENT_TEXT = (
    "J'accepte que la CRESS La Réunion enregistre ces informations pour étudier ma demande, "
    "me recontacter et la transmettre aux structures d'accompagnement vers lesquelles elle "
    "m'oriente. Ma demande est anonymisée 36 mois après sa clôture et mes documents supprimés "
    "6 mois après. Je peux demander à tout moment l'accès à mes données, leur rectification ou "
    "leur suppression."
)


def communes():
    return Territory.objects.filter(kind=TerritoryKind.COMMUNE).order_by("name")


class StepForm(forms.Form):
    submit_label = "Continuer"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class PersonForm(StepForm):
    first_name = forms.CharField(label="Prénom", max_length=100)
    last_name = forms.CharField(label="Nom", max_length=100)
    email = forms.EmailField(
        label="Adresse électronique", help_text="Nous y envoyons le lien de suivi de votre demande."
    )
    phone = forms.RegexField(
        label="Téléphone (facultatif)",
        regex=r"^\+?[0-9 .()-]{6,20}$",
        required=False,
        error_messages={"invalid": "Saisissez un numéro de téléphone (chiffres, espaces, points ou tirets)."},
    )
    commune = forms.ModelChoiceField(label="Commune de résidence", queryset=communes())


class ProjectForm(StepForm):
    title = forms.CharField(label="Nom ou titre du projet", max_length=200)
    description = forms.CharField(
        label="Décrivez votre projet",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        help_text="Ce que vous voulez faire, pour qui, avec qui, où vous en êtes.",
    )
    sector = forms.ModelChoiceField(
        label="Secteur d'activité",
        queryset=NafSection.objects.order_by("label"),
        required=False,
        empty_label="Je ne sais pas",
    )
    activity_commune = forms.ModelChoiceField(label="Commune où le projet aura lieu", queryset=communes())
    stage = forms.ChoiceField(label="Où en est le projet ?", choices=Stage.choices, widget=forms.RadioSelect)
    legal_form = forms.ModelChoiceField(
        label="Forme juridique envisagée ou existante",
        queryset=LegalForm.objects.order_by("label"),
        required=False,
        empty_label="Je ne sais pas encore",
    )
    siret = forms.CharField(label="SIRET, si la structure existe (facultatif)", max_length=20, required=False)

    def clean_siret(self):
        value = normalise_identifier(self.cleaned_data.get("siret", ""))
        if value:
            validate_siret(value)
        return value


class NeedForm(StepForm):
    needs = forms.MultipleChoiceField(
        label="De quoi avez-vous besoin ?",
        choices=Need.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Cochez au moins un besoin."},
    )


class ParticipantForm(StepForm):
    """FSE+ participant data: every answer is optional and can be refused."""

    sex = forms.ChoiceField(
        label="Sexe", choices=[("", "Je préfère ne pas répondre"), *ParticipantProfile.Sex.choices], required=False
    )
    age_band = forms.ChoiceField(
        label="Tranche d'âge",
        choices=[("", "Je préfère ne pas répondre"), *ParticipantProfile.AgeBand.choices],
        required=False,
    )
    employment = forms.ChoiceField(
        label="Situation professionnelle",
        choices=[("", "Je préfère ne pas répondre"), *ParticipantProfile.Employment.choices],
        required=False,
    )
    education = forms.ChoiceField(
        label="Niveau d'études",
        choices=[("", "Je préfère ne pas répondre"), *ParticipantProfile.Education.choices],
        required=False,
    )
    disadvantaged = forms.TypedChoiceField(
        label="Vous trouvez-vous dans une situation de désavantage (handicap, minima sociaux, sans logement…) ?",
        choices=[("", "Je préfère ne pas répondre"), ("oui", "Oui"), ("non", "Non")],
        coerce=lambda value: {"oui": True, "non": False}.get(value),
        empty_value=None,
        required=False,
    )

    def profile(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.fields}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class DocumentsField(forms.FileField):
    """Several documents, each checked by content and size."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        uploads = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        if len(uploads) > settings.INTAKE_MAX_FILES:
            raise forms.ValidationError(f"Joignez au plus {settings.INTAKE_MAX_FILES} documents à la fois.")
        checked, errors = [], []
        for upload in uploads:
            upload = super().clean(upload, initial)
            try:
                checked.append((upload, validate_document(upload, max_bytes=settings.INTAKE_MAX_FILE_MB * 1024 * 1024)))
            except forms.ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise forms.ValidationError(errors)
        return checked


class SendForm(HoneypotMixin, StepForm):
    submit_label = "Envoyer ma demande"
    documents = DocumentsField(
        label="Documents (facultatif)",
        required=False,
        help_text=f"{ACCEPTED} ; 5 documents au plus, 5 Mo chacun. Le type est vérifié d'après le contenu du fichier.",
    )
    consent = forms.BooleanField(
        label=CONSENT_TEXT,
        error_messages={"required": "Votre accord est nécessaire pour que nous puissions étudier votre demande."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            "documents", "consent", Div("website_url", css_class="hp-field", aria_hidden="true")
        )


class HolderInformationForm(HoneypotMixin):
    thread = forms.TypedChoiceField(
        label="Destinataire",
        coerce=int,
        empty_value=None,
        required=False,
        help_text="Un message à une structure est lu aussi par l'équipe de la CRESS.",
    )
    body = forms.CharField(
        label="Votre message", widget=forms.Textarea(attrs={"rows": 4}), max_length=5000, required=False
    )
    documents = DocumentsField(label="Documents (facultatif)", required=False, help_text=f"{ACCEPTED} ; 5 Mo chacun.")

    def __init__(self, *args, threads=(), **kwargs):
        """`threads`: the orientations whose structure the holder may write to."""
        super().__init__(*args, **kwargs)
        self.fields["thread"].choices = [("", "L'équipe de la CRESS")] + [
            (orientation.pk, f"{orientation.organisation.name} (et l'équipe de la CRESS)") for orientation in threads
        ]
        fields = ["thread", "body"] if threads else ["body"]
        if not threads:
            del self.fields["thread"]
        self.helper = FormHelper()
        self.helper.attrs = {"enctype": "multipart/form-data", "novalidate": ""}
        self.helper.layout = Layout(*fields, "documents", Div("website_url", css_class="hp-field", aria_hidden="true"))
        self.helper.add_input(Submit("submit", "Envoyer le message" if threads else "Envoyer à la CRESS"))


class WithdrawForm(forms.Form):
    reason = forms.CharField(label="Pourquoi retirez-vous votre demande ? (facultatif)", max_length=500, required=False)


class RenewLinkForm(HoneypotMixin):
    email = forms.EmailField(label="L'adresse électronique donnée dans votre demande")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout("email", Div("website_url", css_class="hp-field", aria_hidden="true"))
        self.helper.add_input(Submit("submit", "Recevoir un nouveau lien"))


STEPS = [
    ("personne", "Vous", PersonForm),
    ("projet", "Votre projet", ProjectForm),
    ("besoin", "Votre besoin", NeedForm),
    ("participant", "Questions du Fonds social européen", ParticipantForm),
    ("envoi", "Documents et envoi", SendForm),
]


YES_NO = [("oui", "Oui"), ("non", "Non")]
YES_NO_QUESTIONS = ["founders_employed", "capital", "stakeholders", "endowment", "mutual_protection"]


class GuideForm(forms.Form):
    purpose = forms.ChoiceField(
        label="Quel est le but premier de votre projet ?",
        choices=Purpose.choices,
        widget=forms.RadioSelect,
    )
    profit_sharing = forms.ChoiceField(
        label="Que deviennent les bénéfices ?",
        choices=ProfitSharing.choices,
        widget=forms.RadioSelect,
    )
    governance = forms.ChoiceField(
        label="Comment voulez-vous prendre les décisions ?",
        choices=Governance.choices,
        widget=forms.RadioSelect,
    )
    founders = forms.ChoiceField(
        label="Combien êtes-vous à porter le projet ?",
        choices=Founders.choices,
        widget=forms.RadioSelect,
    )
    activity = forms.ChoiceField(
        label="Vendrez-vous des biens ou des services ?",
        choices=Activity.choices,
        widget=forms.RadioSelect,
    )
    founders_employed = forms.ChoiceField(
        label="Voulez-vous être salarié·e(s) de votre structure ?", choices=YES_NO, widget=forms.RadioSelect
    )
    capital = forms.ChoiceField(
        label="Pouvez-vous apporter un capital de départ ?", choices=YES_NO, widget=forms.RadioSelect
    )
    stakeholders = forms.ChoiceField(
        label="Voulez-vous associer à la gouvernance plusieurs types de partenaires (salariés, usagers, bénévoles, "
        "collectivités…) ?",
        choices=YES_NO,
        widget=forms.RadioSelect,
    )
    endowment = forms.ChoiceField(
        label="Disposez-vous de biens ou de fonds à affecter définitivement à une cause ?",
        choices=YES_NO,
        widget=forms.RadioSelect,
    )
    mutual_protection = forms.ChoiceField(
        label="Le projet consiste-t-il à protéger ses membres contre des risques (santé, prévoyance) "
        "par des cotisations ?",
        choices=YES_NO,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Voir les statuts adaptés"))

    def answers(self) -> Answers:
        data = self.cleaned_data
        return Answers(
            purpose=Purpose(data["purpose"]),
            profit_sharing=ProfitSharing(data["profit_sharing"]),
            governance=Governance(data["governance"]),
            founders=Founders(data["founders"]),
            activity=Activity(data["activity"]),
            **{name: data[name] == "oui" for name in YES_NO_QUESTIONS},
        )


class PartnerAnswerForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            ("accepter", "Accepter"),
            ("refuser", "Refuser"),
            ("question", "Question"),
            ("equipe", "Message à la CRESS"),
            ("rapport", "Compte rendu"),
        ],
        widget=forms.HiddenInput,
    )
    reason = forms.ChoiceField(
        label="Motif du refus",
        choices=[("", "—"), *Orientation.RefusalReason.choices],
        required=False,
    )
    message = forms.CharField(
        label="Message (transmis au porteur et à la CRESS)",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=3000,
        required=False,
    )
