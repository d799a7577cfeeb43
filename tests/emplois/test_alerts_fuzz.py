"""Whatever the address and the form say, the job alert page answers in French, never a 500."""

import html
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emplois.alert_matching import parse_query, read_search
from emplois.models import JobAlert

pytestmark = pytest.mark.django_db

NEW = "/emplois/alertes/nouvelle/"
NAMES = st.sampled_from(["q", "nature", "contrat", "metier", "commune", "epci", "famille", "depuis", "page", "autre"])
VALUES = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        ["cdi", "benevolat", "emploi", "K", "k", "Z", "97411", "97499", "cinor", "tco", "association", "\x00", ""]
    ),
)
FORM = st.fixed_dictionaries(
    {},
    optional={
        "email": st.one_of(st.emails(), st.text(max_size=300)),
        "frequency": st.one_of(st.sampled_from(["quotidienne", "hebdomadaire"]), st.text(max_size=20)),
        "consent": st.sampled_from(["on", "", "1", "non"]),
        "website_url": st.text(max_size=20),
    },
)
FRENCH = (
    "Vérifiez votre messagerie",
    "Cette alerte ne peut pas être créée",
    "Recevoir les offres par courriel",
    "Trop d'envois",
)
SAID = (
    "Indiquez l'adresse",
    "n'est pas valable",
    "est trop longue",
    "Votre accord est nécessaire",
    "Choisissez",
    "rempli automatiquement",
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=st.lists(st.tuples(NAMES, VALUES), max_size=6), form=FORM)
def test_any_address_and_form_give_a_french_page(client, params, form):
    page = client.get(f"{NEW}?{urlencode(params)}")
    assert page.status_code in (200, 400)
    response = client.post(f"{NEW}?{page.wsgi_request.META['QUERY_STRING']}", form)
    assert response.status_code in (200, 400, 429)
    text = html.unescape(response.content.decode())
    assert any(sentence in text for sentence in FRENCH)
    if response.status_code == 400 and "Cette alerte ne peut pas être créée" not in text:
        assert any(sentence in text for sentence in SAID), text
    assert not JobAlert.objects.filter(confirmed_at__isnull=False).exists()


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(querystring=st.text(max_size=400))
def test_a_saved_search_reads_back_as_itself(querystring):
    """Normalising is stable: the stored querystring parses to the same criteria, without errors."""
    search = read_search(querystring)
    if search.errors:
        assert all(isinstance(error, str) and error for error in search.errors)
        return
    again = read_search(search.querystring)
    assert again.errors == () and again.querystring == search.querystring
    assert parse_query(search.querystring)[0] == search.criteria
