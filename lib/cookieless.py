"""Responses that must not depend on a visitor's cookies (a badge embedded in other sites'
pages, cached by shared caches): the view marks its response with `cookieless`, and
`CookielessMiddleware` — placed before the session middleware, so it sees the response
last — drops the `Vary: Cookie` that a session read adds and any cookie set on the way."""

from functools import wraps

MARK = "cookieless"


def cookieless(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        setattr(response, MARK, True)
        return response

    return wrapper


class CookielessMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(response, MARK, False):
            response.cookies.clear()
            if response.has_header("Vary"):
                kept = [v.strip() for v in response["Vary"].split(",") if v.strip().lower() != "cookie"]
                if kept:
                    response["Vary"] = ", ".join(kept)
                else:
                    del response["Vary"]
        return response
