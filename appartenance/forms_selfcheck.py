"""The self-check's questionnaire, built from the rules' data: the legal form first, then the
questions of a commercial company (asked of one only) and those of the ESUS agreement.

Every question but the legal form may be left blank: it then counts as « je ne sais pas »."""

from django import forms

from appartenance.selfcheck import Answer, Group, Rules, load_rules
from lib.forms import ErrorLinksMixin

LEGAL_FORM = "forme"


class SelfCheckForm(ErrorLinksMixin, forms.Form):
    def __init__(self, *args, rules: Rules | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.rules = rules or load_rules()
        self.fields[LEGAL_FORM] = forms.ChoiceField(
            label="Quelle est la forme juridique de votre structure ?",
            choices=[(form.id, form.label) for form in self.rules.forms],
            widget=forms.RadioSelect,
            error_messages={
                "required": "Choisissez la forme juridique de votre structure, "
                "ou « Une autre forme, ou je ne sais pas ».",
                "invalid_choice": "Cette forme juridique n'est pas dans la liste : choisissez-en une.",
            },
        )
        for question in self.rules.questions:
            self.fields[question.id] = forms.ChoiceField(
                label=question.text,
                choices=Answer.choices,
                required=False,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": "Répondez « Oui », « Non » ou « Je ne sais pas »."},
            )

    def group(self, group: Group) -> list[forms.BoundField]:
        return [self[question.id] for question in self.rules.questions_in(group)]

    def company_fields(self):
        return self.group(Group.COMPANY)

    def esus_fields(self):
        return self.group(Group.ESUS)

    def answers(self) -> dict[str, str]:
        """The answers given (question id → Answer value); a blank one is left out."""
        return {
            name: value for name, value in self.cleaned_data.items() if name != LEGAL_FORM and value in Answer.values
        }

    def query(self) -> dict[str, str]:
        """The answers as the result's address carries them (blank answers left out)."""
        return {LEGAL_FORM: self.cleaned_data[LEGAL_FORM], **self.answers()}
