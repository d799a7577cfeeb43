import itertools

import pytest
from django.urls import reverse
from django.utils.html import escape

from accueil.forms import GuideForm
from accueil.guide import RULES, Activity, Answers, Founders, Governance, ProfitSharing, Purpose, Suggestion, suggest
from accueil.models import IntakeRequest
from tests.accueil.factories import commune
from tests.accueil.test_intake import PERSON, PROJECT, step

BASE = {
    "purpose": "social",
    "profit_sharing": "none",
    "governance": "democratic",
    "founders": "two",
    "activity": "mixed",
    "founders_employed": False,
    "capital": False,
    "stakeholders": False,
    "endowment": False,
    "mutual_protection": False,
}


def keys(**changes):
    fitting, _others = suggest(Answers(**{**BASE, **changes}))
    return [s.key for s in fitting]


def test_a_non_profit_group_gets_an_association_first():
    assert keys()[0] == "association"


def test_workers_who_own_their_company_get_a_scop():
    result = keys(purpose="mixed", profit_sharing="limited", activity="market", founders_employed=True)
    assert "scop" in result and "association" not in result


def test_several_kinds_of_partners_get_a_scic():
    assert "scic" in keys(
        purpose="mixed", profit_sharing="limited", activity="market", founders="three_plus", stakeholders=True
    )
    assert "scic" not in keys(stakeholders=True, founders="two")


def test_one_founder_never_gets_an_association_and_may_join_an_activity_cooperative():
    result = keys(founders="one", activity="market", profit_sharing="limited")
    assert "association" not in result and "cae" in result


def test_free_profit_sharing_leaves_no_ess_form():
    assert keys(purpose="profit", profit_sharing="free", governance="capital", activity="market") == []


def test_every_suggestion_says_why():
    fitting, others = suggest(Answers(**BASE))
    assert all(s.reasons for s in fitting)
    assert all(s.rejections for s in others)


def every_answers():
    choices = [Purpose, ProfitSharing, Governance, Founders, Activity]
    for values in itertools.product(*choices, *[(True, False)] * 5):
        yield Answers(*values)


def test_every_rejection_of_every_form_carries_its_reason_for_every_answer():
    for answers in every_answers():
        fitting, others = suggest(answers)
        assert len(fitting) + len(others) == len(RULES)
        for suggestion in others:
            assert suggestion.rejections and all(r.strip() for r in suggestion.rejections), (suggestion.key, answers)
        assert not any(s.rejections for s in fitting)


def test_a_rejection_without_its_reason_is_refused():
    suggestion = Suggestion("essai", "Essai", "", "")
    with pytest.raises(ValueError):
        suggestion.reject(" ")
    assert suggestion.fits


FONDATION_WITH_SHARED_PROFITS = {
    "purpose": "social", "profit_sharing": "limited", "governance": "democratic", "founders": "two",
    "activity": "non_market", "founders_employed": "non", "capital": "non", "stakeholders": "non",
    "endowment": "oui", "mutual_protection": "non",
}  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"founders": "one", "activity": "market", "founders_employed": "oui"},
        {"purpose": "profit", "profit_sharing": "free", "governance": "capital", "mutual_protection": "oui"},
        {"founders": "three_plus", "stakeholders": "oui", "purpose": "mixed", "governance": "founder"},
    ],
)
def test_the_result_page_shows_why_each_other_form_was_ruled_out(client, changes):
    data = {**FONDATION_WITH_SHARED_PROFITS, **changes}
    html = client.post(reverse("accueil:guide"), data).content.decode()
    others_section = html[html.index("Les autres statuts") :]
    form = GuideForm(data)
    assert form.is_valid()
    _fitting, others = suggest(form.answers())
    assert others
    for suggestion in others:
        for rejection in suggestion.rejections:
            assert escape(rejection) in others_section, (suggestion.key, rejection)


@pytest.mark.django_db
def test_a_fondation_refused_for_shared_profits_says_so(client):
    html = client.post(reverse("accueil:guide"), FONDATION_WITH_SHARED_PROFITS).content.decode()
    others_section = html[html.index("Les autres statuts") :]
    fondation = others_section[others_section.index("Fondation ou fonds de dotation") :]
    assert fondation.split("</ul>")[0].count("<li>") >= 1
    assert escape("ne distribue aucun bénéfice") in fondation.split("</ul>")[0]


GUIDE_ANSWERS = {
    "purpose": "mixed", "profit_sharing": "limited", "governance": "democratic", "founders": "two",
    "activity": "market", "founders_employed": "oui", "capital": "oui", "stakeholders": "non",
    "endowment": "non", "mutual_protection": "non",
}  # fmt: skip


@pytest.mark.django_db
def test_the_result_is_carried_into_the_request(client):
    response = client.post(reverse("accueil:guide"), GUIDE_ANSWERS)
    html = response.content.decode()
    assert "SCOP" in html and "Pourquoi il vous correspond" in html
    assert client.post(step("personne"), {**PERSON, "commune": commune().pk}).status_code == 302
    page = client.get(step("projet"))
    assert page.status_code == 200, page.headers.get("Location")
    form = page.context["form"]
    assert form.initial == {"legal_form_kind": "scop"}
    project = {**PROJECT, "activity_commune": commune().pk, "legal_form_kind": form.initial["legal_form_kind"]}
    assert client.post(step("projet"), project).status_code == 302
    assert client.get(step("besoin")).context["form"].initial == {"needs": ["statut"]}
    client.post(step("besoin"), {"needs": ["statut"]})
    client.post(step("participant"), {})
    client.post(step("envoi"), {"consent": "on"})
    intake = IntakeRequest.objects.get()
    assert intake.guide_summary.startswith("Guide des statuts : SCOP")
    # A SCOP may be a SARL, an SA or an SAS: the answer is kept, no INSEE form is guessed.
    assert (intake.legal_form_kind, intake.legal_form) == ("scop", None)


@pytest.mark.django_db
def test_unanswered_questions_get_french_messages(client):
    response = client.post(reverse("accueil:guide"), {"purpose": "social"})
    assert response.status_code == 400 and "Ce champ est obligatoire." in response.content.decode()
