"""The second-factor gate: no admin page, nor any private page, before the code.

A session that awaits its second factor (`comptes.sessions.awaits_second_factor`):
- reaches the second-factor step (verification or enrolment) and logout as itself;
- is sent to that step from any admin URL (index, lists, change pages, custom views and
  actions, password change, the admin's own login page) and from the site's login page;
- is anonymous everywhere else, so that every `login_required` page sends it back to
  the login page, and from there to the step.
Whatever a view checks, the password alone never opens a staff or opted-in session.
"""

from urllib.parse import urlencode

from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponseRedirect
from django.urls import reverse

from comptes.sessions import awaits_second_factor


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
