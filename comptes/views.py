from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse_lazy

from comptes.forms import LoginForm, NewPasswordForm, OutboxPasswordResetForm
from comptes.tokens import activation_token_generator
from lib.ratelimit import client_address, hit


class LoginView(auth_views.LoginView):
    template_name = "comptes/connexion.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


@login_required
def after_login(request):
    """Send each kind of user to their workplace."""
    if request.user.is_staff:
        return redirect(f"/{settings.ADMIN_URL}")
    if request.user.is_partner:
        return redirect("accueil:partenaire-liste")
    return redirect("home")


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "comptes/mot_de_passe_oublie.html"
    form_class = OutboxPasswordResetForm
    success_url = reverse_lazy("comptes:mot-de-passe-envoye")

    def form_valid(self, form):
        if not hit(
            scope="comptes-reinitialisation",
            key=client_address(self.request),
            limit=settings.PASSWORD_RESETS_PER_HOUR,
            window_seconds=3600,
        ):
            form.add_error(None, "Trop de demandes depuis votre connexion : réessayez dans une heure.")
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "comptes/mot_de_passe_envoye.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "comptes/mot_de_passe_nouveau.html"
    form_class = NewPasswordForm
    success_url = reverse_lazy("comptes:mot-de-passe-change")


class ActivationView(PasswordResetConfirmView):
    """First password of an account given access by the CRESS (link valid for days)."""

    token_generator = activation_token_generator


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "comptes/mot_de_passe_change.html"


def lockout(request, response=None, credentials=None):
    """Shown by django-axes instead of the login page once a login is locked out."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "comptes/verrouillage.html", {"cooloff_minutes": minutes}, status=429)
