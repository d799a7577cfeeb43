"""Session policy: a staff session lasts a working day; some sessions await a second factor.

A session "awaits its second factor" when its user is staff, or a partner who enrolled
an authenticator app, and no device has verified it yet (django-otp's `is_verified()`).
Until then `comptes.middleware.SecondFactorMiddleware` lets it reach only the
second-factor step.
"""

import time
from datetime import timedelta

from django.conf import settings

# When the staff session last showed activity (epoch seconds): set at login, refreshed at most
# once a minute by comptes.middleware.StaffIdleTimeoutMiddleware.
LAST_SEEN_KEY = "comptes_last_seen"
# Set at login: this account has a second factor (read for partners; staff always have to).
SECOND_FACTOR_SESSION_KEY = "comptes_second_factor"


def apply_login_policy(sender, request, user, **kwargs):
    """user_logged_in receiver, for every way in (site login, admin login, tests' force_login)."""
    from comptes.services import has_second_factor

    if user.is_staff:
        # An absolute end (a working day), and an idle timeout counted from now
        # (comptes.middleware.StaffIdleTimeoutMiddleware): the admin shows personal and FSE data.
        request.session.set_expiry(timedelta(hours=settings.STAFF_SESSION_HOURS))
        request.session[LAST_SEEN_KEY] = int(time.time())
    request.session[SECOND_FACTOR_SESSION_KEY] = user.is_staff or has_second_factor(user)


def awaits_second_factor(request) -> bool:
    user = request.user
    if not user.is_authenticated:
        return False
    if not (user.is_staff or request.session.get(SECOND_FACTOR_SESSION_KEY)):
        return False
    # Right after login() the user is a plain object, not yet wrapped by django-otp's
    # middleware: no is_verified(), and not verified either.
    is_verified = getattr(user, "is_verified", None)
    return not (is_verified and is_verified())
