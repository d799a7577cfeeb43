from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse_lazy

from comptes.forms import LoginForm, NewPasswordForm, OutboxPasswordResetForm


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
        return redirect("partenariats:index")
    return redirect("home")


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "comptes/mot_de_passe_oublie.html"
    form_class = OutboxPasswordResetForm
    success_url = reverse_lazy("comptes:mot-de-passe-envoye")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "comptes/mot_de_passe_envoye.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "comptes/mot_de_passe_nouveau.html"
    form_class = NewPasswordForm
    success_url = reverse_lazy("comptes:mot-de-passe-change")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "comptes/mot_de_passe_change.html"


def lockout(request, response=None, credentials=None):
    """Shown by django-axes instead of the login page once a login is locked out."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "comptes/verrouillage.html", {"cooloff_minutes": minutes}, status=429)
