"""Forms of Action 1. The partner's admin form checks the logo by its content (the public
partners page serves it as stored)."""

from django import forms
from django.core.files.uploadedfile import UploadedFile

from lib.uploads import validate_image

LOGO_MAX_BYTES = 1024 * 1024
LOGO_MAX_SIDE = 2000


class PartnerAdminForm(forms.ModelForm):
    """The base form of PartnerAdmin: the admin builds it for the model with every field it
    shows (no Meta here, so a field added to Partner shows without touching this form)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "logo" in self.fields:
            self.fields["logo"].help_text = (
                "PNG, JPEG ou WebP, 1 Mo et 2 000 pixels de côté au plus ; "
                "affiché sur la page publique des partenaires."
            )

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if isinstance(logo, UploadedFile):  # a new upload, not the logo already stored
            validate_image(logo, max_bytes=LOGO_MAX_BYTES, max_side=LOGO_MAX_SIDE, what="Le logo")
        return logo
