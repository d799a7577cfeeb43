"""Whatever the skills record's forms receive, the answer is a French page, never a 500."""

import html

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emplois.models_skills import SkillsExperience
from tests.emplois.factories import make_skills_record

pytestmark = pytest.mark.django_db

DATES = st.one_of(
    st.dates().map(lambda day: day.isoformat()),
    st.dates().map(lambda day: day.strftime("%d/%m/%Y")),
    st.sampled_from(["", "2024-02-30", "31/12/1899", "demain", "0000-00-00", "2024-13-01", "\x00"]),
    st.text(max_size=30),
)
NUMBERS = st.one_of(
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.sampled_from(["", "2,5", "2.55", "1e9", "NaN", "inf", "-0", "80.1", "0.4", "١٢"]),
    st.text(max_size=12),
)
EXPERIENCE = st.fixed_dictionaries(
    {},
    optional={
        "role": st.text(max_size=200),
        "organisation_name": st.text(max_size=250),
        "kind": st.one_of(st.sampled_from(["benevole", "salarie", "service_civique"]), st.text(max_size=20)),
        "starts_on": DATES,
        "ends_on": DATES,
        "hours_total": NUMBERS,
        "hours_per_week": NUMBERS,
        "description": st.text(max_size=3100),
        "skills": st.lists(st.one_of(st.sampled_from(["1.1", "4.2", "7.4"]), st.text(max_size=8)), max_size=4),
        "association_three_years": st.one_of(st.sampled_from(["oui", "non", "nsp", ""]), st.text(max_size=5)),
        "general_interest": st.one_of(st.sampled_from(["oui", "non", "nsp", ""]), st.text(max_size=5)),
        "volunteer_role": st.one_of(st.sampled_from(["direction", "encadrement", "autre", ""]), st.text(max_size=5)),
    },
)
START = st.fixed_dictionaries(
    {},
    optional={
        "email": st.one_of(st.emails(), st.text(max_size=300)),
        "name_on_summary": st.text(max_size=200),
        "consent": st.sampled_from(["on", "", "1"]),
        "website_url": st.text(max_size=20),
    },
)
SAID = (
    "Indiquez", "n'est pas valable", "trop longue", "ne doit pas dépasser", "Votre accord est nécessaire",
    "Choisissez", "rempli automatiquement", "date", "heures", "Au plus", "Au moins", "nombre", "décimale",
    "Trop d'envois", "caractère nul",
)  # fmt: skip


ENGLISH = ("This field", "Enter a", "Ensure this", "Select a valid", "is not one of", "Null characters")


def clean(data: dict) -> dict:
    # A browser cannot send NUL in a form field; Django's test client refuses it as well.
    return {k: ([v.replace("\x00", "") for v in value] if isinstance(value, list) else value.replace("\x00", ""))
            for k, value in data.items()}  # fmt: skip


@pytest.fixture
def record():
    return make_skills_record(experiences=0)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=EXPERIENCE)
def test_any_experience_form_gives_a_french_page(client, record, data, settings):
    settings.PRIVATE_PAGE_POSTS_PER_HOUR = 10_000
    before = SkillsExperience.objects.count()
    response = client.post(reverse("emplois:competences-experience-ajout", args=[record.token]), clean(data))
    assert response.status_code in (302, 400)
    if response.status_code == 302:
        assert SkillsExperience.objects.count() == before + 1
        return
    text = html.unescape(response.content.decode())
    assert "à corriger" in text, text[-3000:]  # the summary of the errors, each linked to its field
    assert not any(english in text for english in ENGLISH), text[-3000:]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=START)
def test_any_start_form_gives_a_french_page(client, data, settings):
    settings.SKILLS_RECORDS_PER_HOUR = 10_000
    response = client.post(reverse("emplois:competences"), clean(data))
    assert response.status_code in (302, 400)
    if response.status_code != 302:
        text = html.unescape(response.content.decode())
        assert "à corriger" in text, text[-3000:]
        assert any(sentence in text for sentence in SAID), text[-3000:]
        assert not any(english in text for english in ENGLISH), text[-3000:]
