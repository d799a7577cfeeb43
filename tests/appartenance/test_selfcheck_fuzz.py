"""Whatever the address or the post says, the self-check answers a page — its result, or
the questionnaire with a French message — never an error, and stores nothing."""

from html import unescape

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appartenance.selfcheck import load_rules

pytestmark = pytest.mark.django_db

NAMES = st.sampled_from(["forme", *(question.id for question in load_rules().questions), "autre", "page"])
VALUES = st.one_of(
    st.text(max_size=200),
    st.sampled_from(
        ["oui", "non", "nsp", "societe_commerciale", "association", "autre", "", "\x00", "'", '"', "OUI", "-1",
         "fonds_dotation", "99999999999999999999", "«»"]
    ),
)  # fmt: skip


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=st.dictionaries(NAMES, VALUES, max_size=8))
def test_any_query_string_gives_a_result_or_a_french_message(client, params):
    response = client.get(reverse("appartenance:autodiagnostic-resultat"), params)
    html = unescape(response.content.decode())
    assert response.status_code in {200, 400}, params
    if response.status_code == 400:
        assert "à corriger" in html
        assert "Choisissez la forme" in html or "pas dans la liste" in html or "Répondez" in html
    else:
        assert "Mon entreprise fait-elle partie de l'ESS ?" in html and "vérifiée le" in html


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=st.dictionaries(NAMES, VALUES, max_size=8))
def test_any_follow_up_post_gives_a_redirect_or_a_french_message(client, params):
    response = client.post(reverse("appartenance:autodiagnostic-suivi"), params)
    assert response.status_code in {302, 400}, params
    if response.status_code == 400:
        assert "à corriger" in unescape(response.content.decode())
