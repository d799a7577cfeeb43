"""lib.ratelimit.submit_within_limit: the one path of a posted public form, and the rule that
every limit of a view is a setting read from the environment."""

import ast
from pathlib import Path

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from lib.ratelimit import TOO_MANY_MESSAGE, submit_within_limit

ROOT = Path(__file__).resolve().parents[2]


class NameForm(forms.Form):
    name = forms.CharField()


class Refused(Exception):
    pass


def post(name, **kwargs):
    request = RequestFactory().post("/", {"name": name}, REMOTE_ADDR="192.0.2.7")
    form = NameForm(request.POST)
    return form, submit_within_limit(request, scope="essai", limit_setting="TEST_LIMIT", form=form, **kwargs)


def test_the_limit_then_the_form_then_the_service_each_with_its_status_and_message(settings):
    settings.TEST_LIMIT = 3
    done = []
    form, submission = post("Nadia", action=lambda data: done.append(data["name"]) or "fait")
    assert (submission.done, submission.status, submission.result, done) == (True, 200, "fait", ["Nadia"])

    form, submission = post("", action=done.append)
    assert (submission.done, submission.status, "name" in form.errors) == (False, 400, True)

    def refuse(data):
        raise ValidationError("Cette structure existe déjà.")

    form, submission = post("Nadia", action=refuse, errors=(Refused, ValidationError))
    assert (submission.status, form.non_field_errors()) == (400, ["Cette structure existe déjà."])

    form, submission = post("Nadia", action=done.append)
    assert (submission.done, submission.status, form.non_field_errors()) == (False, 429, [TOO_MANY_MESSAGE])
    assert done == ["Nadia"], "over the limit, the service is not called"


def test_an_error_the_view_did_not_name_is_not_swallowed(settings):
    settings.TEST_LIMIT = 3

    def fail(data):
        raise RuntimeError("panne")

    with pytest.raises(RuntimeError):
        post("Nadia", action=fail, errors=(Refused,))


@pytest.mark.parametrize("app", ["accueil", "annuaire", "communication", "comptes"])
def test_no_view_limits_with_a_bare_number(app):
    """Every `limit=` of a view and every limit setting named to the helper comes from the settings."""
    from django.conf import settings

    for path in (ROOT / app).glob("*views*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.keyword) and node.arg == "limit":
                assert not isinstance(node.value, ast.Constant), (
                    f"{path.name}:{node.value.lineno}: a limit is a setting, not a bare number"
                )
            if isinstance(node, ast.keyword) and node.arg == "limit_setting":
                assert hasattr(settings, node.value.value), f"{path.name}: unknown setting {node.value.value}"
            if isinstance(node, ast.Assign) and any(
                isinstance(target, ast.Name) and target.id.endswith(("_PER_HOUR", "_PER_10_MINUTES"))
                for target in node.targets
            ):
                raise AssertionError(f"{path.name}:{node.lineno}: a limit belongs in the settings (and .env.example)")
