"""Login lockout (django-axes): who an attempt counts against, and the limit per address.

- Every attempt counts against the login identity of the typed email
  (`comptes.models.login_identity`): « PARTENARIATS@… », « partenariats@… », the same with
  spaces around or in full-width letters are one account and one counter.
- Besides the limit per account and address (`AXES_FAILURE_LIMIT`), one address is locked
  out after `LOGIN_ADDRESS_FAILURE_LIMIT` failures whatever the accounts tried: password
  spraying tries one password on many accounts and never reaches the per-account limit.
  django-axes compares every lockout parameter with one single limit, so this second,
  higher limit is counted here, in a handler, rather than as a second entry of
  `AXES_LOCKOUT_PARAMETERS`.
- A wrong second-factor code is a failed login like a wrong password (`count_failed_code`).
"""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from axes.utils import reset as reset_attempts
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db.models import Sum

from comptes.models import login_identity


def lockout_username(request, credentials=None) -> str | None:
    """AXES_USERNAME_CALLABLE: the login identity of the email of an attempt."""
    field = settings.AXES_USERNAME_FORM_FIELD
    typed = credentials.get(field) if credentials else getattr(request, "data", request.POST).get(field)
    return login_identity(typed) if isinstance(typed, str) else None


class LoginLockoutHandler(AxesDatabaseHandler):
    """django-axes' database handler, plus the limit per client address across accounts."""

    def get_failures(self, request, credentials=None) -> int:
        per_account = super().get_failures(request, credentials)
        per_address = (
            AccessAttempt.objects.filter(
                ip_address=request.axes_ip_address, attempt_time__gte=get_cool_off_threshold(request)
            ).aggregate(total=Sum("failures_since_start"))["total"]
            or 0
        )
        if per_address >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
            # axes compares this number with AXES_FAILURE_LIMIT: report the address as locked.
            return max(per_account, get_failure_limit(request, credentials))
        return per_account

    def user_logged_in(self, sender, request, user, **kwargs):
        # A successful password resets the account's failures (AXES_RESET_ON_SUCCESS), unless
        # a second factor follows: the password alone must not wipe the wrong codes counted
        # before. Those failures are forgiven once the code is right (`forgive_failures`).
        from comptes.services import needs_second_factor

        request.second_factor_follows = needs_second_factor(user)
        return super().user_logged_in(sender, request, user, **kwargs)

    def reset_user_attempts(self, request, credentials=None) -> int:
        if getattr(request, "second_factor_follows", False):
            return 0
        return super().reset_user_attempts(request, credentials)


def _credentials(user) -> dict:
    return {settings.AXES_USERNAME_FORM_FIELD: user.get_username()}


def is_locked_out(request, user) -> bool:
    """True while `user` may not log in from this request's address (password or code)."""
    return not AxesProxyHandler.is_allowed(request, _credentials(user))


def count_failed_code(request, user) -> bool:
    """Count a wrong second-factor code as a failed login; True when it locks the account out.

    The signal is the one a wrong password sends: django-axes records it the same way, and
    its middleware answers with the lockout page when the limit is reached.
    """
    user_login_failed.send(sender=__name__, credentials=_credentials(user), request=request)
    return bool(getattr(request, "axes_locked_out", False))


def forgive_failures(request, user) -> None:
    """The second factor is verified: forget this account's failures from this address."""
    AxesProxyHandler.update_request(request)
    reset_attempts(ip=request.axes_ip_address, username=login_identity(user.get_username()))
