"""« Recevoir un nouveau lien »: the page where a person who lost a private link (an intake's
tracking page, an HR request's follow-up page…) asks for a new one by email address.

Each app gives its service (which emails a fresh link, superseding the older ones once
opened, for each open record of the address) and its two templates; the page says the same
whatever the address, so that it reveals nobody's request.
"""

from collections.abc import Callable

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout, Submit
from django import forms
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from lib.forms import HoneypotMixin
from lib.ratelimit import submit_within_limit


class RenewLinkForm(HoneypotMixin):
    email = forms.EmailField(
        label="L'adresse électronique donnée dans votre demande",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": "Indiquez votre adresse électronique.",
            "invalid": "Indiquez une adresse électronique valide, par exemple nom@exemple.re.",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout("email", Div("website_url", css_class="hp-field", aria_hidden="true"))
        self.helper.add_input(Submit("submit", "Recevoir un nouveau lien"))


@require_http_methods(["GET", "POST"])
def renew_link_page(request, *, scope: str, renew: Callable[..., int], template: str, sent_template: str):
    """The form (`template`, given `form`), then `sent_template` once `renew(email=…)` ran;
    counted in `scope` against TRACKING_LINK_RENEWALS_PER_HOUR."""
    form = RenewLinkForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        submission = submit_within_limit(
            request,
            scope=scope,
            limit_setting="TRACKING_LINK_RENEWALS_PER_HOUR",
            form=form,
            action=lambda data: renew(email=data["email"]),
        )
        if submission.done:
            return render(request, sent_template)
        status = submission.status
    return render(request, template, {"form": form}, status=status)
