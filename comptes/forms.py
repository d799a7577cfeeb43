from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout, Submit
from django import forms
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordResetForm,
    SetPasswordForm,
    UserChangeForm,
    UserCreationForm,
)

from comptes.models import User
from comptes.services import RESET_LINK
from lib.forms import HoneypotMixin
from messagerie.links import private_link
from messagerie.services import queue_email


class AdminUserCreationForm(UserCreationForm):
    class Meta:
        model = User
        fields = ("email", "first_name", "last_name")


class AdminUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label="Adresse électronique",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password = forms.CharField(
        label="Mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": "Adresse électronique ou mot de passe incorrect.",
        "inactive": "Ce compte est désactivé.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Se connecter"))


class OutboxPasswordResetForm(HoneypotMixin, PasswordResetForm):
    """Django's reset form, but the email goes through the outbox like every other, and an
    account that has never had a password (access given by the CRESS) can get one too."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Adresse électronique du compte"
        self.helper = FormHelper()
        self.helper.layout = Layout("email", Div("website_url", css_class="hp-field", aria_hidden="true"))
        self.helper.add_input(Submit("submit", "Recevoir un lien de réinitialisation"))

    def get_users(self, email):
        return User.objects.filter(email__iexact=email, is_active=True)

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        # Django's context holds the live token: only the user's id goes to the outbox,
        # and the link is minted when the email leaves.
        user = context["user"]
        queue_email(
            to=to_email,
            template="comptes/reinitialisation",
            context={"first_name": user.first_name, "url": private_link(RESET_LINK, user=user.pk)},
        )


class NewPasswordForm(SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Enregistrer le mot de passe"))
