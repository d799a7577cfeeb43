from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Hidden, Layout, Submit
from django import forms
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordResetForm,
    SetPasswordForm,
    UserChangeForm,
    UserCreationForm,
)

from comptes.models import User, login_identity
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


class LoginEmailField(forms.EmailField):
    """The email typed to log in, as its login identity: « ＡＤＭＩＮ@… » is checked as « admin@… »."""

    def to_python(self, value):
        return login_identity(super().to_python(value))


class LoginForm(AuthenticationForm):
    username = LoginEmailField(
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


def _code_widget(**attrs):
    return forms.TextInput(
        attrs={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"} | attrs
    )


class TotpCodeForm(forms.Form):
    """The six digits shown by the authenticator app (spaces allowed: « 123 456 »)."""

    code = forms.CharField(
        label="Code à 6 chiffres",
        max_length=20,
        widget=_code_widget(inputmode="numeric", autofocus=True),
        help_text="Le code affiché par votre application d'authentification ; il change toutes les 30 secondes.",
    )

    def __init__(self, *args, submit_label="Vérifier", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", submit_label))

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isascii() and code.isdigit() and len(code) == 6):
            raise forms.ValidationError("Saisissez les 6 chiffres affichés par votre application.")
        return code


class RecoveryCodeForm(forms.Form):
    """One of the recovery codes given at enrolment, for when the app is out of reach."""

    recovery_code = forms.CharField(
        label="Code de secours",
        max_length=40,
        widget=_code_widget(autocomplete="off"),
        help_text="Un des dix codes donnés à l'activation, par exemple 7KQ2-M9XD-4TFP-WZ3H. "
        "Chacun ne sert qu'une fois.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("secours", "Utiliser ce code de secours"))


class SecondFactorCodeForm(forms.Form):
    """Confirms a sensitive change with either kind of code (the app may be the thing lost)."""

    code = forms.CharField(
        label="Code de votre application ou code de secours",
        max_length=40,
        widget=_code_widget(),
    )

    def __init__(self, *args, submit_label="Confirmer", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout("code", Hidden("action", "retirer"))
        self.helper.add_input(Submit("retirer", submit_label))
