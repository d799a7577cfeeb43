"""Guards shared by the public forms: a honeypot field and a recorded consent."""

from django import forms
from django.utils.html import format_html


class HoneypotMixin(forms.Form):
    """A field people never see or fill; robots that fill every field are refused.

    The form error is in French and generic: it tells a robot nothing useful. It is a
    non-field error, shown at the top of the form: a person whose browser filled the hidden
    field must see why the form was refused, not an error inside a field they cannot see.
    """

    website_url = forms.CharField(
        label="Ne pas remplir ce champ",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1", "class": "hp-field"}),
    )

    def clean_website_url(self):
        if self.cleaned_data.get("website_url"):
            self.add_error(None, "Envoi refusé : le formulaire semble avoir été rempli automatiquement.")
        return ""


class RichTextWidget(forms.Widget):
    """The Trix editor (npm, served by WhiteNoise) over a hidden input; the HTML it sends is
    sanitised by the model on save (lib.richtext). Files cannot be dropped into the text."""

    class Media:
        css = {"all": ["vendor/trix/trix.css", "css/editeur.css"]}
        js = ["vendor/trix/trix.umd.min.js", "js/editeur.js"]

    def render(self, name, value, attrs=None, renderer=None):
        input_id = (attrs or {}).get("id") or f"id_{name}"
        return format_html(
            '<div class="rich-text"><input type="hidden" id="{}" name="{}" value="{}">'
            '<trix-editor input="{}" class="trix-content" aria-label="{}"></trix-editor></div>',
            input_id,
            name,
            value or "",
            input_id,
            self.attrs.get("aria-label", "Texte"),
        )

    def value_from_datadict(self, data, files, name):
        return data.get(name, "")
