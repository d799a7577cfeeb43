"""A page whose layout is the same for every anonymous visitor, but for a few parts built
per request (its content, its title…): the template is rendered once per process with a
marker in each part's place, then a request only fills the markers in, its CSP nonce
included. Rendering `base.html` (menus, footer, static URLs) cost about as much as the bare
layout's whole request; filling the markers in costs a few string joins.

A visitor who is signed in, or has a message waiting, gets the template rendered for them:
the layout shows their name and their messages. Either way the parts are the same HTML
(built and escaped by the caller), so both pages are byte for byte the same for the same
visitor state. The template must render the same for every anonymous request to `path`
apart from the parts: nothing of the request but its nonce may enter it.
"""

import re

from django.contrib.messages import get_messages
from django.http import HttpResponse
from django.middleware.csp import get_nonce
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

_NONCE = "csp_nonce"
_MARKER = re.compile(r"<!--part:(\w+)-->")
# (template, path, language, parts' names) → the page cut at its markers: text at even
# indices, a part's name at odd ones.
_SHELLS: dict[tuple, list[str]] = {}


def _marker(name: str) -> str:
    return f"<!--part:{name}-->"


def page_with_parts(request, template: str, parts: dict[str, str], context: dict | None = None) -> HttpResponse:
    """`template` rendered with `context` (the same for every request) and `parts`, each
    part's HTML given in the context under its name (it is written as it is: escape what
    is not ours)."""
    context = context or {}
    if request.user.is_authenticated or len(get_messages(request)):
        safe = {name: mark_safe(html) for name, html in parts.items()}  # noqa: S308 — built and escaped by the caller
        return render(request, template, {**context, **safe})
    key = (template, request.path, get_language(), tuple(parts))
    shell = _SHELLS.get(key)
    if shell is None:
        markers = {name: mark_safe(_marker(name)) for name in parts}  # noqa: S308 — our own text
        html = render_to_string(template, {**context, **markers}, request=request)
        nonce = get_nonce(request)
        if nonce:  # a fresh random token: where it appears, the next pages put theirs
            html = html.replace(str(nonce), _marker(_NONCE))
        shell = _SHELLS[key] = _MARKER.split(html)
    values = dict(parts)
    if _NONCE not in values and len(shell) > 1 and _NONCE in shell[1::2]:
        values[_NONCE] = str(get_nonce(request))
    return HttpResponse("".join(piece if index % 2 == 0 else values[piece] for index, piece in enumerate(shell)))
