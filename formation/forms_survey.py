"""The survey form behind a trainee's private link (« à chaud » or « à froid »)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms

from formation.models import SurveyResponse

SATISFACTION = [
    (5, "5 — Très satisfait·e"),
    (4, "4 — Satisfait·e"),
    (3, "3 — Moyennement satisfait·e"),
    (2, "2 — Peu satisfait·e"),
    (1, "1 — Pas du tout satisfait·e"),
]
OBJECTIVES = [
    (5, "5 — Tout à fait"),
    (4, "4 — En grande partie"),
    (3, "3 — En partie"),
    (2, "2 — Peu"),
    (1, "1 — Pas du tout"),
]
YES_NO = [("oui", "Oui"), ("non", "Non")]

# What each survey asks: the same scales, read at the end of the session or two months on.
QUESTIONS = {
    SurveyResponse.Kind.HOT: {
        "satisfaction": "Dans l'ensemble, êtes-vous satisfait·e de cette formation ?",
        "objectives_met": "Les objectifs de la formation ont-ils été atteints pour vous ?",
        "comment": "Un commentaire, une suggestion pour améliorer la formation ? (facultatif)",
    },
    SurveyResponse.Kind.COLD: {
        "satisfaction": "Avec le recul, êtes-vous satisfait·e de cette formation ?",
        "objectives_met": "Ce que vous avez appris vous sert-il dans votre travail ?",
        "applied_at_work": "Avez-vous mis en pratique ce que vous avez appris ?",
        "comment": "Qu'est-ce qui a changé dans votre travail depuis la formation ? (facultatif)",
    },
}


class SurveyForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        choices=SATISFACTION,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez une réponse.", "invalid_choice": "Choisissez une des réponses."},
    )
    objectives_met = forms.TypedChoiceField(
        choices=OBJECTIVES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez une réponse.", "invalid_choice": "Choisissez une des réponses."},
    )
    applied_at_work = forms.TypedChoiceField(
        choices=YES_NO,
        coerce=lambda value: value == "oui",
        widget=forms.RadioSelect,
        error_messages={"required": "Répondez par oui ou par non.", "invalid_choice": "Répondez par oui ou par non."},
    )
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=3000,
        required=False,
        error_messages={"max_length": "Votre commentaire est trop long : 3 000 caractères au plus."},
    )

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        questions = QUESTIONS[kind]
        if "applied_at_work" not in questions:
            del self.fields["applied_at_work"]
        for name, label in questions.items():
            self.fields[name].label = label
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(*questions)
        self.helper.add_input(Submit("submit", "Envoyer mes réponses"))
