from base64 import b32encode
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from comptes import services
from comptes.forms import (
    LoginForm,
    NewPasswordForm,
    OutboxPasswordResetForm,
    RecoveryCodeForm,
    SecondFactorCodeForm,
    TotpCodeForm,
)
from comptes.lockout import count_failed_code, forgive_failures, is_locked_out
from comptes.sessions import SECOND_FACTOR_SESSION_KEY, awaits_second_factor
from comptes.tokens import activation_token_generator
from lib.forms import submitted
from lib.qrcode import qr_svg
from lib.ratelimit import within_limit


def _with_next(url_name: str, next_url: str) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': next_url})}"


class LoginView(auth_views.LoginView):
    template_name = "comptes/connexion.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        if awaits_second_factor(self.request):
            return redirect(_with_next("comptes:verification", self.get_success_url()))
        return response


@login_required
def after_login(request):
    """Send each kind of user to their workplace: staff to the admin, the others where the
    settings say (pages of the apps above comptes, chosen by the composition root)."""
    if request.user.is_staff:
        return redirect(f"/{settings.ADMIN_URL}")
    if request.user.is_partner:
        return redirect(settings.PARTNER_LOGIN_REDIRECT_URL)
    return redirect(settings.VISITOR_LOGIN_REDIRECT_URL)


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "comptes/mot_de_passe_oublie.html"
    form_class = OutboxPasswordResetForm
    success_url = reverse_lazy("comptes:mot-de-passe-envoye")

    def form_valid(self, form):
        if not within_limit(self.request, scope="comptes-reinitialisation", limit_setting="PASSWORD_RESETS_PER_HOUR"):
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


# --- Second factor ------------------------------------------------------------------------


def _next_url(request, default: str) -> str:
    target = request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _check_code(request, form, field: str, check, *, counts_as_login: bool):
    """Rate limit, validate, then `check(code)`: its result, or None with the error on the form.

    With `counts_as_login`, a wrong code counts in the login lockout like a wrong password,
    and the session is ended once the account is locked out (see `request.axes_locked_out`).
    """
    if not within_limit(
        request, scope="comptes-code", limit_setting="SECOND_FACTOR_TRIES_PER_HOUR", key=str(request.user.pk)
    ):
        form.add_error(None, "Trop d'essais de code pour ce compte : réessayez dans une heure.")
        return None
    if not form.is_valid():
        return None
    try:
        result = check(form.cleaned_data[field])
    except services.SecondFactorThrottled:
        form.add_error(field, "Trop d'essais rapprochés : patientez quelques secondes avant de réessayer.")
        return None
    if result:
        return result
    form.add_error(field, "Ce code n'est pas valable. Vérifiez qu'il est bien celui affiché maintenant.")
    if counts_as_login and count_failed_code(request, request.user):
        logout(request)
    return None


@never_cache
@require_http_methods(["GET", "POST"])
def second_factor_verify(request):
    """Second step of the login: a code of the authenticator app, or a recovery code."""
    next_url = _next_url(request, reverse("comptes:apres-connexion"))
    if not request.user.is_authenticated:
        return redirect(_with_next("comptes:connexion", next_url))
    if not awaits_second_factor(request):
        return redirect(next_url)
    user = request.user
    if not services.has_second_factor(user):
        if not user.is_staff:  # a partner whose app was reset by an administrator: nothing to verify
            request.session[SECOND_FACTOR_SESSION_KEY] = False
            return redirect(next_url)
        return redirect(_with_next("comptes:activation-double-authentification", next_url))
    if is_locked_out(request, user):
        logout(request)
        return lockout(request)
    totp_form = TotpCodeForm(request.POST if "code" in request.POST else None)
    recovery_form = RecoveryCodeForm(request.POST if "recovery_code" in request.POST else None)
    posted, field = (totp_form, "code") if totp_form.is_bound else (recovery_form, "recovery_code")
    if posted.is_bound:
        device = _check_code(
            request,
            posted,
            field,
            lambda code: services.verify_second_factor(user=user, code=code),
            counts_as_login=True,
        )
        if getattr(request, "axes_locked_out", False):
            return lockout(request)
        if device is not None:
            otp_login(request, device)
            forgive_failures(request, user)
            if field == "recovery_code":
                left = services.remaining_recovery_codes(user)
                messages.warning(
                    request,
                    f"Code de secours utilisé : il vous en reste {left}. "
                    "Générez-en de nouveaux depuis la page « Double authentification ».",
                )
            return redirect(next_url)
    context = {"totp_form": totp_form, "recovery_form": recovery_form, "recovery_open": recovery_form.is_bound}
    return render(request, "comptes/verification.html", context, status=400 if posted.errors else 200)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def second_factor_enrol(request):
    """Set up an authenticator app: QR code and secret, then a code to confirm it."""
    user = request.user
    awaiting = awaits_second_factor(request)
    next_url = _next_url(
        request, reverse("comptes:apres-connexion") if awaiting else reverse("comptes:double-authentification")
    )
    if services.has_second_factor(user):
        return redirect(_with_next("comptes:verification", next_url) if awaiting else next_url)
    device = services.start_totp_enrolment(user=user)
    form = TotpCodeForm(**submitted(request), submit_label="Activer la double authentification")
    if form.is_bound:
        enrolled = _check_code(
            request,
            form,
            "code",
            lambda code: services.confirm_totp_enrolment(user=user, code=code),
            counts_as_login=False,
        )
        if enrolled:
            device, codes = enrolled
            otp_login(request, device)
            request.session[SECOND_FACTOR_SESSION_KEY] = True
            return render(request, "comptes/codes_de_secours.html", {"codes": codes, "next_url": next_url})
    secret = b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "qr_code": qr_svg(device.config_url, label="QR code à scanner avec votre application d'authentification"),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "mandatory": user.is_staff,
    }
    return render(
        request, "comptes/activation_double_authentification.html", context, status=400 if form.errors else 200
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def second_factor_settings(request):
    """The account's second factor: enrol (partners opt in), new recovery codes, removal."""
    user = request.user
    enrolled = services.has_second_factor(user)
    remove_form = SecondFactorCodeForm(
        request.POST if request.POST.get("action") == "retirer" else None,
        submit_label="Retirer cette application" if user.is_staff else "Désactiver la double authentification",
    )
    if enrolled and request.POST.get("action") == "codes":
        codes = services.issue_recovery_codes(user=user)
        return render(
            request,
            "comptes/codes_de_secours.html",
            {"codes": codes, "next_url": reverse("comptes:double-authentification")},
        )
    if enrolled and remove_form.is_bound:
        confirmed = _check_code(
            request,
            remove_form,
            "code",
            lambda code: services.verify_second_factor(user=user, code=code),
            counts_as_login=True,
        )
        if getattr(request, "axes_locked_out", False):
            return lockout(request)
        if confirmed:
            services.remove_second_factor(user=user)
            request.session[SECOND_FACTOR_SESSION_KEY] = user.is_staff
            if user.is_staff:
                messages.info(request, "Application retirée : enregistrez maintenant votre nouvelle application.")
                return redirect("comptes:activation-double-authentification")
            messages.success(request, "La double authentification est désactivée pour votre compte.")
            return redirect("comptes:double-authentification")
    context = {
        "enrolled": enrolled,
        "remaining_codes": services.remaining_recovery_codes(user) if enrolled else 0,
        "remove_form": remove_form,
    }
    return render(request, "comptes/double_authentification.html", context, status=400 if remove_form.errors else 200)
