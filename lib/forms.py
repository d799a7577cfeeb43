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


class ErrorLinksMixin:
    """A refused form's errors, each with the anchor of its field, for the summary shown
    at the top of the form (templates/_resume_erreurs.html)."""

    def error_links(self) -> list[tuple[str, str, str]]:
        """(anchor, field label, message) for each error, in the order of the fields: the
        summary at the top of a failed form links each to its field."""
        links = []
        for name, field in self.fields.items():
            if name not in self.errors:
                continue
            bound = self[name]
            # A group of radios or boxes has no element of its own id: link to its first choice.
            grouped = isinstance(field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple)
            anchor = f"{bound.auto_id}_0" if grouped else bound.auto_id
            links.extend((anchor, field.label, message) for message in self.errors[name])
        return links


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
            # role and aria-multiline before Trix upgrades the element: aria-label is allowed on it at once.
            '<trix-editor input="{}" class="trix-content" role="textbox" aria-multiline="true" aria-label="{}">'
            "</trix-editor></div>",
            input_id,
            name,
            value or "",
            input_id,
            self.attrs.get("aria-label", "Texte"),
        )

    def value_from_datadict(self, data, files, name):
        return data.get(name, "")


def submitted(request) -> dict:
    """A form's data and files when the request posts it, else nothing: `Form(**submitted(request))`.

    Unlike `Form(request.POST or None)`, a form posted empty is bound, so each missing field
    says so in French instead of the page showing the form again without a word.
    """
    if request.method == "POST":
        return {"data": request.POST, "files": request.FILES}
    return {}
