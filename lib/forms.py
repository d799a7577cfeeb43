"""Guards shared by the public forms: a honeypot field and a recorded consent."""

from django import forms


class HoneypotMixin(forms.Form):
    """A field people never see or fill; robots that fill every field are refused.

    The form error is in French and generic: it tells a robot nothing useful.
    """

    website_url = forms.CharField(
        label="Ne pas remplir ce champ",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1", "class": "hp-field"}),
    )

    def clean_website_url(self):
        if self.cleaned_data.get("website_url"):
            raise forms.ValidationError("Envoi refusé : le formulaire semble avoir été rempli automatiquement.")
        return ""
