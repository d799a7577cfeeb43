"""The area's home page: its parts, each with what it does for a structure of the ESS."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from appartenance.parts import PARTS


@require_GET
def index(request):
    return render(request, "appartenance/index.html", {"parts": PARTS})
