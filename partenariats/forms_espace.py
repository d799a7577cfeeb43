"""The forms of the partner space: a deliverable, a declaration « tenu », a message.

They check the input (the file by its content too, so that its error sits by its field);
the services check again, and what only they know (the workflow, a blank message), and
raise French errors the page shows."""

from django import forms

from lib.forms import ErrorLinksMixin
from partenariats import services
from partenariats.conversation import MESSAGE_MAX
from partenariats.services import DECLARATION_COMMENT_MAX


class DeliverableForm(ErrorLinksMixin, forms.Form):
    action = "deposer"

    title = forms.CharField(
        label="Intitulé du livrable",
        required=False,
        max_length=200,
        help_text="Facultatif : le nom du fichier sinon.",
        error_messages={"max_length": "L'intitulé compte 200 caractères au plus."},
    )
    file = forms.FileField(
        label="Fichier",
        help_text=services.DELIVERABLE_HELP,
        error_messages={
            "required": "Choisissez le fichier à déposer.",
            "empty": "Le fichier envoyé est vide.",
            "invalid": "Aucun fichier n'a été reçu : choisissez-le de nouveau.",
            "missing": "Aucun fichier n'a été reçu : choisissez-le de nouveau.",
        },
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        services.validate_deliverable(upload)
        return upload


class DeclarationForm(ErrorLinksMixin, forms.Form):
    action = "declarer"

    comment = forms.CharField(
        label="Précisions pour l'équipe de la CRESS",
        required=False,
        max_length=DECLARATION_COMMENT_MAX,
        help_text="Facultatif : ce qui a été fait, où trouver la preuve.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": f"Vos précisions comptent {DECLARATION_COMMENT_MAX} caractères au plus."},
    )


class MessageForm(ErrorLinksMixin, forms.Form):
    body = forms.CharField(
        label="Votre message",
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Écrivez votre message avant de l'envoyer.",
            "max_length": f"Votre message compte {MESSAGE_MAX} caractères au plus.",
        },
    )
