"""lib.cookieless: a marked response leaves without cookies nor Vary: Cookie, and keeps its other Vary values."""

from django.http import HttpResponse
from django.test import RequestFactory

from lib.cookieless import CookielessMiddleware, cookieless


def served(view, vary: str):
    def inner(request):
        response = view(request)
        response["Vary"] = vary
        response.set_cookie("sessionid", "x")
        return response

    return CookielessMiddleware(inner)(RequestFactory().get("/"))


def test_a_marked_response_loses_its_cookies_and_vary_cookie_only():
    response = served(cookieless(lambda request: HttpResponse("ok")), "Cookie, Accept-Language")
    assert not response.cookies and response["Vary"] == "Accept-Language"
    response = served(cookieless(lambda request: HttpResponse("ok")), "cookie")
    assert "Vary" not in response


def test_an_unmarked_response_is_left_alone():
    response = served(lambda request: HttpResponse("ok"), "Cookie")
    assert response.cookies["sessionid"].value == "x" and response["Vary"] == "Cookie"
