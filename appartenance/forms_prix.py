"""The forms of the Prix de l'ESS's pages: input checked here, in French; the rules
(timetable, eligibility, freeze, conflicts) are the services' (appartenance.prix)."""

from django import forms

from appartenance.models_prix import SCORE_MAX
from appartenance.prix import ATTACHMENT_KINDS_LABEL, MAX_ATTACHMENT_BYTES

CHOOSE = "Choisissez dans la liste."


def _styled(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs["class"] = "form-check-input"
        elif isinstance(widget, forms.Select):
            widget.attrs["class"] = "form-select"
        else:
            widget.attrs["class"] = "form-control"


class StartForm(forms.Form):
    organisation = forms.TypedChoiceField(
        label="Structure candidate", coerce=int, error_messages={"required": CHOOSE, "invalid_choice": CHOOSE}
    )
    category = forms.TypedChoiceField(
        label="Catégorie", coerce=int, error_messages={"required": CHOOSE, "invalid_choice": CHOOSE}
    )

    def __init__(self, *args, organisations=(), categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [("", "Choisir…")] + [(o.pk, o.name) for o in organisations]
        self.fields["category"].choices = [("", "Choisir…")] + [(c.pk, c.name) for c in categories]
        _styled(self)


class ProjectForm(forms.Form):
    """Step 1. Every field may stay empty in a draft; the submission asks for them all."""

    project_title = forms.CharField(
        label="Titre du projet",
        max_length=200,
        required=False,
        error_messages={"max_length": "Le titre tient en 200 caractères."},
    )
    summary = forms.CharField(
        label="Le projet en bref",
        max_length=1500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Ce que fait le projet, pour qui, depuis quand (1 500 caractères au plus).",
        error_messages={"max_length": "Le projet en bref tient en 1 500 caractères."},
    )
    impact = forms.CharField(
        label="Ses effets, ses résultats",
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Les personnes touchées, les emplois, les effets sur le territoire, la coopération "
        "(4 000 caractères au plus).",
        error_messages={"max_length": "Les effets tiennent en 4 000 caractères."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)

    def clean(self):
        cleaned = super().clean()
        for name, value in cleaned.items():
            if isinstance(value, str) and "\x00" in value:
                self.add_error(name, "Ce texte contient un caractère invalide.")
        return cleaned


class AttachmentForm(forms.Form):
    title = forms.CharField(
        label="Intitulé de la pièce",
        max_length=120,
        help_text="« Rapport d'activité 2025 », « Budget du projet »…",
        error_messages={"required": "Donnez un intitulé à la pièce.", "max_length": "120 caractères au plus."},
    )
    file = forms.FileField(
        label="Fichier",
        help_text=f"{ATTACHMENT_KINDS_LABEL}, {MAX_ATTACHMENT_BYTES // (1024 * 1024)} Mo au plus.",
        error_messages={
            "required": "Choisissez un fichier.",
            "empty": "Le fichier est vide.",
            "invalid": "Choisissez un fichier.",
            "missing": "Choisissez un fichier.",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)


class RemoveAttachmentForm(forms.Form):
    attachment = forms.IntegerField(min_value=1, error_messages={"required": CHOOSE, "invalid": CHOOSE})


class SubmitForm(forms.Form):
    confirm = forms.BooleanField(
        label="Je certifie l'exactitude de cette candidature et je sais qu'elle ne se modifie plus une fois déposée.",
        error_messages={"required": "Cochez la case de confirmation pour déposer la candidature."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)


class ConflictForm(forms.Form):
    organisation = forms.TypedChoiceField(
        label="Structure", coerce=int, error_messages={"required": CHOOSE, "invalid_choice": CHOOSE}
    )
    reason = forms.CharField(
        label="Votre lien avec elle",
        max_length=300,
        required=False,
        help_text="Facultatif : « membre du conseil d'administration », « salarié jusqu'en 2024 »…",
        error_messages={"max_length": "300 caractères au plus."},
    )

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [("", "Choisir…")] + [(o.pk, o.name) for o in organisations]
        _styled(self)


class ScoreForm(forms.Form):
    comment = forms.CharField(
        label="Votre commentaire",
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": "Le commentaire tient en 3 000 caractères."},
    )

    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        fields = {}
        for criterion in self.criteria:
            message = f"« {criterion.name} » : une note entière de 0 à {SCORE_MAX}."
            fields[f"critere_{criterion.pk}"] = forms.IntegerField(
                label=f"{criterion.name} (pondération ×{criterion.weight})",
                min_value=0,
                max_value=SCORE_MAX,
                help_text=criterion.description,
                widget=forms.NumberInput(attrs={"min": 0, "max": SCORE_MAX, "step": 1}),
                error_messages={
                    "required": f"Notez « {criterion.name} » de 0 à {SCORE_MAX}.",
                    "invalid": message,
                    "min_value": message,
                    "max_value": message,
                },
            )
        self.fields = {**fields, **self.fields}
        _styled(self)

    def points(self) -> dict[int, int]:
        return {criterion.pk: self.cleaned_data[f"critere_{criterion.pk}"] for criterion in self.criteria}
