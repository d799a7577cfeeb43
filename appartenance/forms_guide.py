"""The forms of the good-practices guide's pages (the answers are read by
appartenance.guide.read_value: their questions come from the guide's data)."""

from django import forms

from appartenance.guide import guide
from appartenance.models_guide import GuideAction


class StartForm(forms.Form):
    organisation = forms.IntegerField(widget=forms.HiddenInput)


class ActionForm(forms.Form):
    theme = forms.ChoiceField(
        label="Thème", error_messages={"required": "Choisissez le thème.", "invalid_choice": "Choisissez le thème."}
    )
    title = forms.CharField(
        label="Action",
        max_length=200,
        error_messages={"required": "Décrivez l'action.", "max_length": "L'action tient en 200 caractères."},
    )
    owner = forms.CharField(
        label="Porteur",
        max_length=120,
        help_text="Une personne ou une fonction : « la trésorière ».",
        error_messages={"required": "Indiquez qui porte l'action.", "max_length": "120 caractères au plus."},
    )
    due_on = forms.DateField(
        label="Échéance",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Indiquez une date, par exemple 30/06/2027."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = [("", "Choisir…")] + [(theme.id, theme.title) for theme in guide().themes]
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-select" if name == "theme" else "form-control"
        self.fields["owner"].widget.attrs["aria-describedby"] = "aide-porteur"


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(label="État", choices=GuideAction.Status.choices)
