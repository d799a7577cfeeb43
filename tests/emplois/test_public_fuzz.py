"""Whatever the address says, the offers' list answers a page, never an error: a parameter
it does not understand is said in French and ignored."""

from html import unescape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emplois.models import Offer
from emplois.search import PARAMETERS, OfferFilters
from tests.emplois.factories import make_offer

pytestmark = pytest.mark.django_db

NAMES = st.sampled_from(["q", "metier", "contrat", "nature", "epci", "commune", "famille", "depuis", "page", "autre"])
VALUES = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        ["K", "cdi", "benevolat", "emploi", "cinor", "97411", "association", "7", "30", "-1", "0", "1e9",
         "99999999999999999999", "\x00", "'", '"', "a OR b", "-", "«»", "métiers", "aides à domicile", "k"]
    ),
)  # fmt: skip


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=st.dictionaries(NAMES, VALUES, max_size=6))
def test_any_query_string_gives_a_page(client, params):
    if not Offer.objects.exists():
        make_offer("Aide à domicile")
    response = client.get("/emplois/", params)
    assert response.status_code == 200, params
    html = unescape(response.content.decode())
    assert "Emplois et bénévolat dans l'ESS" in html
    # The page is written in Python around a layout rendered once per process: no template
    # context to read; the search as the view reads it (its parameters, 300 characters each).
    filters = OfferFilters({name: value[:300] for name, value in params.items() if name in PARAMETERS and value})
    said = "n'ont pas été compris et ont été ignorés" in html
    assert said == bool(filters.error_messages()), params
    assert set(filters.understood) <= set(params)
