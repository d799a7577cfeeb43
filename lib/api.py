"""What every answer of the public JSON API shares: its error shape and its rate limit.

Every answer under /api/ that is not a success has one shape, `{"erreur": "…", "details":
{…}}`: a sentence in French for a person, and for a refused parameter the messages per
parameter name (an empty object otherwise). Errors raised inside an API view go through
`exception_handler` (REST_FRAMEWORK's EXCEPTION_HANDLER); those Django answers itself
under /api/ (an unknown address, a server error) through the project's 404/500 handlers,
which call `error_response`.
"""

import math
import time

from django.http import Http404, JsonResponse
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import exceptions, serializers
from rest_framework.throttling import BaseThrottle

from lib.ratelimit import within_limit

API_PATH_PREFIX = "/api/"
RATE_WINDOW_SECONDS = 60

NOT_FOUND = "Rien à cette adresse de l'API : consultez son schéma, /api/v1/schema/."
INVALID_PARAMETERS = "Paramètres refusés : voyez « details », un message par paramètre."
SERVER_ERROR = "Erreur interne du serveur : elle est signalée à l'équipe du portail, réessayez plus tard."


def is_api_request(request) -> bool:
    return request.path_info.startswith(API_PATH_PREFIX)


def error_body(message: str, details: dict[str, list[str]] | None = None) -> dict:
    return {"erreur": message, "details": details or {}}


def error_response(message: str, *, status: int, details: dict[str, list[str]] | None = None) -> JsonResponse:
    """An API error answered outside the REST framework (Django's 404 and 500 handlers)."""
    return JsonResponse(error_body(message, details), status=status, json_dumps_params={"ensure_ascii": False})


def too_many_message(wait_seconds: int) -> str:
    return f"Trop de requêtes depuis votre adresse : réessayez dans {wait_seconds} s."


def _message(exc: exceptions.APIException, request) -> str:
    if isinstance(exc, exceptions.ValidationError):
        return INVALID_PARAMETERS
    if isinstance(exc, exceptions.NotFound):
        return NOT_FOUND if str(exc.detail) == str(exceptions.NotFound.default_detail) else str(exc.detail)
    if isinstance(exc, exceptions.MethodNotAllowed):
        return f"Méthode {request.method} refusée : l'API est en lecture seule (GET)."
    if isinstance(exc, exceptions.Throttled):
        return too_many_message(exc.wait or RATE_WINDOW_SECONDS)
    if isinstance(exc, exceptions.NotAcceptable):
        return "Format de réponse non disponible : l'API répond en JSON (application/json)."
    return str(exc.detail)


def exception_handler(exc, context):
    """The REST framework's answer to `exc` (status, headers), with the API's error body."""
    # Imported here: rest_framework.views reads the settings that name this module.
    from rest_framework.views import exception_handler as rest_exception_handler

    response = rest_exception_handler(exc, context)
    if response is None:  # not an API exception: Django's 500 handler answers
        return None
    if isinstance(exc, Http404):  # Django's « no such object »: our message, not its English one
        exc = exceptions.NotFound()
    details = exc.detail if isinstance(exc, exceptions.ValidationError) and isinstance(exc.detail, dict) else {}
    response.data = error_body(
        _message(exc, context["request"]),
        {name: [str(message) for message in messages] for name, messages in details.items()},
    )
    return response


# The body of every error answer, the schema's `Erreur` (no docstring: it would be the
# component's description, in English).
@extend_schema_serializer(component_name="Erreur")
class ErrorSerializer(serializers.Serializer):
    erreur = serializers.CharField(help_text="Ce qui n'a pas marché, en français.")
    details = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Pour un paramètre refusé : son nom et les raisons du refus. Vide sinon.",
    )


class ApiRateThrottle(BaseThrottle):
    """API_REQUESTS_PER_MINUTE requests per client address and calendar minute, counted in the
    shared cache by lib.ratelimit like every limit of the portal; over it, 429 and Retry-After."""

    def allow_request(self, request, view):
        return within_limit(
            request, scope="api", limit_setting="API_REQUESTS_PER_MINUTE", window_seconds=RATE_WINDOW_SECONDS
        )

    def wait(self):
        # The counting window is the calendar minute: it ends in this many seconds (at least 1).
        return max(1, math.ceil(RATE_WINDOW_SECONDS - time.time() % RATE_WINDOW_SECONDS))
