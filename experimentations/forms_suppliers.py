"""The supplier's answer behind its private link, and the staff's « add a supplier » form."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect

from annuaire.models import Organisation
from experimentations.models import SupplierMatch

INTERESTED, NOT_INTERESTED = "oui", "non"


class SupplierAnswerForm(forms.Form):
    interested = forms.ChoiceField(
        label="Ce besoin vous intéresse-t-il ?",
        choices=[
            (INTERESTED, "Oui, nous sommes intéressés : transmettez nos coordonnées à l'acheteur"),
            (NOT_INTERESTED, "Non, pas cette fois"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Répondez par oui ou par non.", "invalid_choice": "Répondez par oui ou par non."},
    )
    message = forms.CharField(
        label="Un message pour l'acheteur (facultatif)",
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Transmis à l'acheteur avec vos coordonnées si vous êtes intéressés.",
        error_messages={"max_length": "Votre message est trop long : 3 000 caractères au plus."},
    )
    reason = forms.ChoiceField(
        label="Pourquoi ne répondez-vous pas ? (obligatoire si ce besoin ne vous intéresse pas)",
        required=False,
        choices=[("", "—"), *SupplierMatch.NotInterestedReason.choices],
        error_messages={"invalid_choice": "Choisissez un motif dans la liste."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = True
        self.helper.layout = Layout("interested", "message", "reason", Submit("submit", "Envoyer ma réponse"))

    def clean(self):
        data = super().clean()
        if data.get("interested") == NOT_INTERESTED and not data.get("reason"):
            self.add_error("reason", "Indiquez pourquoi ce besoin ne vous intéresse pas.")
        return data


class AddSupplierForm(forms.Form):
    """Staff add a supplier of the directory (autocomplete on the directory's admin)."""

    organisation = forms.ModelChoiceField(
        label="Ajouter un fournisseur de l'annuaire",
        queryset=Organisation.objects.all(),
        error_messages={
            "required": "Choisissez une structure de l'annuaire.",
            "invalid_choice": "Cette structure n'existe pas dans l'annuaire.",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The widget first: setting the queryset then gives it its choices.
        field = SupplierMatch._meta.get_field("organisation")
        self.fields["organisation"].widget = AutocompleteSelect(field, admin.site)
        self.fields["organisation"].queryset = Organisation.objects.all()
