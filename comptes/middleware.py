"""The second-factor gate: no admin page, nor any private page, before the code.

A session that awaits its second factor (`comptes.sessions.awaits_second_factor`):
- reaches the second-factor step (verification or enrolment) and logout as itself;
- is sent to that step from any admin URL (index, lists, change pages, custom views and
  actions, password change, the admin's own login page) and from the site's login page;
- is anonymous everywhere else, so that every `login_required` page sends it back to
  the login page, and from there to the step.
Whatever a view checks, the password alone never opens a staff or opted-in session.
"""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponseRedirect
from django.urls import reverse

from comptes.sessions import LAST_SEEN_KEY, awaits_second_factor


async def _anonymous():
    return AnonymousUser()


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if awaits_second_factor(request):
            path = request.path_info
            step = reverse("comptes:verification")
            open_paths = {
                step,
                reverse("comptes:activation-double-authentification"),
                reverse("comptes:deconnexion"),
                reverse("admin:logout"),
            }
            logins = {reverse("comptes:connexion"), reverse("admin:login")}
            if path not in open_paths:
                if path.startswith(reverse("admin:index")) or path in {*logins, reverse("comptes:apres-connexion")}:
                    target = request.GET.get("next", "") if path in logins else request.get_full_path()
                    return HttpResponseRedirect(f"{step}?{urlencode({'next': target})}" if target else step)
                request.user = AnonymousUser()
                request.auser = _anonymous
        return self.get_response(request)


class StaffIdleTimeoutMiddleware:
    """A staff session left idle for STAFF_IDLE_MINUTES ends: the next request logs it out and
    sends it to the login page, which says why (the absolute end, STAFF_SESSION_HOURS after
    login, still applies). Partners and visitors keep their normal sessions."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.is_staff:
            now = time.time()
            last_seen = request.session.get(LAST_SEEN_KEY)
            if isinstance(last_seen, int | float) and now - last_seen > settings.STAFF_IDLE_MINUTES * 60:
                logout(request)
                messages.info(
                    request,
                    f"Votre session a pris fin après {settings.STAFF_IDLE_MINUTES} minutes d'inactivité : "
                    "reconnectez-vous.",
                )
                return HttpResponseRedirect(
                    f"{reverse('comptes:connexion')}?{urlencode({'next': request.get_full_path()})}"
                )
            if not isinstance(last_seen, int | float) or now - last_seen >= 60:
                request.session[LAST_SEEN_KEY] = int(now)
        return self.get_response(request)
