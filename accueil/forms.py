"""The intake form, in steps, and the tracking page's forms."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout, Submit
from django import forms
from django.conf import settings
from django.urls import reverse_lazy
from django.utils.html import format_html, format_html_join

from accueil.guide import Activity, Answers, Founders, Governance, ProfitSharing, Purpose
from accueil.models import (
    DOCUMENT_SHARING_CONSENT,
    LEGAL_FORM_KIND_CODES,
    LegalFormKind,
    Orientation,
    ParticipantProfile,
    Stage,
    need_choices,
)
from lib import intake_kinds
from lib.forms import ErrorLinksMixin, HoneypotMixin
from lib.text import normalise_text
from lib.uploads import ACCEPTED, validate_document
from referentiels.models import LegalForm, NafSection, Territory, TerritoryKind
from referentiels.selectors import search_naf_activities
from referentiels.validators import normalise_identifier, validate_siret

CONSENT_TEXT = (
    "J'accepte que la CRESS La Réunion enregistre ces informations pour étudier ma demande, "
    f"me recontacter et la transmettre, {DOCUMENT_SHARING_CONSENT}, aux structures d'accompagnement "
    "vers lesquelles elle m'oriente. Ma demande est anonymisée 36 mois après sa clôture et mes documents supprimés "
    "6 mois après. Je peux demander à tout moment l'accès à mes données, leur rectification ou "
    "leur suppression."
)


def communes():
    return Territory.objects.filter(kind=TerritoryKind.COMMUNE).order_by("name")


class StepForm(ErrorLinksMixin, forms.Form):
    submit_label = "Continuer"
    # What the review shows for a question left blank.
    blank_answer = "Non renseigné"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def review(self) -> list[tuple[str, str]]:
        """(question, answer as the person chose it) for each field of a valid form."""
        rows = []
        for name, field in self.fields.items():
            value = self.cleaned_data.get(name)
            if isinstance(field, forms.ModelChoiceField):
                answer = str(value) if value else field.empty_label or ""  # « Je ne sais pas »
            elif isinstance(field, forms.MultipleChoiceField):
                labels = dict(field.choices)
                answer = ", ".join(str(labels.get(item, item)) for item in value or [])
            elif isinstance(field, forms.ChoiceField):
                answer = str(dict(field.choices).get(self.data.get(name, ""), "")) if self.data.get(name) else ""
            else:
                answer = str(value or "")
            rows.append((field.label, answer or self.blank_answer))
        return rows


class PersonForm(StepForm):
    # Input types and autocomplete tokens let browsers and assistive tools fill these in
    # (WCAG 1.3.5, input purpose).
    first_name = forms.CharField(
        label="Prénom", max_length=100, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        label="Nom", max_length=100, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    email = forms.EmailField(
        label="Adresse électronique",
        help_text="Nous y envoyons le lien de suivi de votre demande.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.RegexField(
        label="Téléphone (facultatif)",
        regex=r"^\+?[0-9 .()-]{6,20}$",
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        error_messages={"invalid": "Saisissez un numéro de téléphone (chiffres, espaces, points ou tirets)."},
    )
    commune = forms.ModelChoiceField(
        label="Commune de résidence",
        queryset=communes(),
        widget=forms.Select(attrs={"autocomplete": "address-level2"}),
    )


class DatalistInput(forms.TextInput):
    """A text input with its list of suggestions: browsers filter the list as one types,
    without any script."""

    def __init__(self, options=(), attrs=None):
        super().__init__(attrs)
        self.options = options

    def render(self, name, value, attrs=None, renderer=None):
        list_id = f"{(attrs or {}).get('id') or 'id_' + name}_liste"
        field = super().render(name, value, {**(attrs or {}), "list": list_id}, renderer)
        options = format_html_join("", '<option value="{}"></option>', ((option,) for option in self.options))
        return format_html('{}<datalist id="{}">{}</datalist>', field, list_id, options)


def listed_legal_forms() -> list[LegalForm]:
    """The INSEE list by name, the forms of local law (Alsace-Moselle) last."""
    return sorted(LegalForm.objects.all(), key=lambda form: ("droit local" in form.label, form.label))


def find_legal_form(text: str) -> LegalForm | None:
    """The form named by an entry of the list (« Label (code) »), its code or its exact name."""
    text = text.strip()
    code = text[-5:-1] if text.endswith(")") else text
    if code.isdigit():
        return LegalForm.objects.filter(code=code).first()
    folded = normalise_text(text)
    return next((form for form in LegalForm.objects.all() if normalise_text(form.label) == folded), None)


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
    naf_activity = forms.CharField(
        label="Activité précise (facultatif)",
        required=False,
        max_length=250,
        help_text="Des mots de votre activité ou son code NAF, par exemple « aide à domicile » ou « 88.10 ».",
        # Suggestions as one types (static/js/suggestions.js); found on sending without script.
        widget=forms.TextInput(attrs={"autocomplete": "off", "data-suggestions": reverse_lazy("accueil:activites")}),
    )
    activity_commune = forms.ModelChoiceField(label="Commune où le projet aura lieu", queryset=communes())
    stage = forms.ChoiceField(label="Où en est le projet ?", choices=Stage.choices, widget=forms.RadioSelect)
    legal_form_kind = forms.ChoiceField(
        label="Forme juridique envisagée ou existante",
        choices=[("", "Choisissez une réponse"), *LegalFormKind.choices],
        error_messages={"required": "Choisissez une forme juridique, ou « Je ne sais pas encore »."},
    )
    legal_form = forms.CharField(
        label="Autre forme : tapez un mot de son nom ou son code INSEE",
        required=False,
        max_length=250,
        help_text="Seulement si vous avez choisi « Une autre forme (liste INSEE) » ; la liste s'affiche en tapant.",
    )
    siret = forms.CharField(
        label="SIRET, si la structure existe (facultatif)",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["legal_form"].widget = DatalistInput(options=[str(form) for form in listed_legal_forms()])

    def clean_siret(self):
        value = normalise_identifier(self.cleaned_data.get("siret", ""))
        if value:
            validate_siret(value)
        return value

    def clean_naf_activity(self):
        """The one NAF activity the words or the code lead to; when several do, they are
        listed with their codes so that the person can type theirs."""
        text = self.cleaned_data.get("naf_activity", "").strip()
        if not text:
            return None
        # An activity as the review and the suggestions write it: « 88.10A — Aide à domicile ».
        found = list(search_naf_activities(text.split(" — ")[0])[:6])
        if not found:
            raise forms.ValidationError(
                "Aucune activité ne correspond : essayez d'autres mots ou un code NAF, ou laissez ce champ vide."
            )
        if len(found) > 1:
            listed = " ; ".join(str(activity) for activity in found[:5])
            more = " ; …" if len(found) > 5 else ""
            raise forms.ValidationError(
                f"Plusieurs activités correspondent. Précisez, ou tapez le code de la vôtre : {listed}{more}."
            )
        return found[0]

    def clean(self):
        """The sector of the activity when none is chosen; the legal form as the request
        stores it: the answer, and the INSEE form when one is known (picked from the list,
        or the only form of a common answer)."""
        data = super().clean()
        if data.get("naf_activity") and not data.get("sector"):
            data["sector"] = data["naf_activity"].division.section
        kind, text = data.get("legal_form_kind"), data.get("legal_form", "")
        data["legal_form"] = None
        if kind == LegalFormKind.LISTED:
            data["legal_form"] = find_legal_form(text) if text else None
            if data["legal_form"] is None:
                self.add_error(
                    "legal_form",
                    "Choisissez une forme dans la liste : tapez un mot de son nom "
                    "ou son code INSEE (par exemple 5710).",
                )
        elif text:
            self.add_error(
                "legal_form",
                "Vous avez choisi une forme courante : videz ce champ, "
                "ou choisissez « Une autre forme (liste INSEE) ».",
            )
        elif kind in LEGAL_FORM_KIND_CODES:
            data["legal_form"] = LegalForm.objects.filter(code=LEGAL_FORM_KIND_CODES[kind]).first()
        return data

    def review(self):
        """One row for the legal form: the answer, or the INSEE form picked from the list."""
        kind, form = self.cleaned_data["legal_form_kind"], self.cleaned_data["legal_form"]
        answer = str(form) if kind == LegalFormKind.LISTED else LegalFormKind(kind).label
        rows = []
        for label, value in super().review():
            if label == self.fields["legal_form_kind"].label:
                rows.append((label, answer))
            elif label != self.fields["legal_form"].label:
                rows.append((label, value))
        return rows


class NeedForm(StepForm):
    needs = forms.MultipleChoiceField(
        label="De quoi avez-vous besoin ?",
        choices=need_choices,  # the kinds of request registered by other areas (lib.intake_kinds) too
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Cochez au moins un besoin."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        helps = [(kind.label, kind.help_text) for kind in intake_kinds.kinds() if kind.help_text]
        if helps:
            self.fields["needs"].help_text = format_html_join(" ", "« {} » : {}", helps)


class ParticipantForm(StepForm):
    """FSE+ participant data: every answer is optional and can be refused."""

    blank_answer = "Je préfère ne pas répondre"

    sex = forms.ChoiceField(
        label="Sexe",
        choices=[("", "Je préfère ne pas répondre"), *ParticipantProfile.Sex.choices],
        required=False,
        widget=forms.Select(attrs={"autocomplete": "sex"}),  # a purpose of WCAG 1.3.5 (RGAA 11.13)
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
    reason = forms.CharField(
        label="Pourquoi retirez-vous votre demande ? (facultatif)",
        help_text="Votre réponse est notée dans l'historique de la demande et nous aide à améliorer l'accueil.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=500,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


STEPS = [
    ("personne", "Vous", PersonForm),
    ("projet", "Votre projet", ProjectForm),
    ("besoin", "Votre besoin", NeedForm),
    ("participant", "Questions du Fonds social européen", ParticipantForm),
    # The last step shows every answer, each step with a link to change it; documents and
    # consent are given there, and the request leaves only from it.
    ("envoi", "Vérifiez votre demande", SendForm),
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
