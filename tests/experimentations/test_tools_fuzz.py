"""Whatever the address says, the list and the finder answer a page, never an error."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from experimentations.models import FinancialTool
from tests.experimentations.factories import FinancialToolFactory

pytestmark = pytest.mark.django_db

NAMES = st.sampled_from(
    ["q", "instrument", "stage", "family", "legal_form", "sector", "commune", "purpose", "amount", "appels", "clos",
     "page", "autre"]
)  # fmt: skip
VALUES = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        ["garantie", "creation", "association", "9220", "Q", "97411", "emploi", "5000", "-1", "1e9", "0", "1",
         "99999999999999999999", "on", "\x00", "'", '"', "a OR b", "-", "«»"]
    ),
)  # fmt: skip


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=st.dictionaries(NAMES, VALUES, max_size=6))
def test_any_query_string_gives_a_page(client, params):
    if not FinancialTool.objects.exists():
        FinancialToolFactory()
    for url, heading in (
        ("/financer-et-acheter/outils/", "Outils financiers"),
        ("/financer-et-acheter/trouver/", "Trouver un financement"),
    ):
        response = client.get(url, params)
        assert response.status_code == 200, (url, params)
        assert heading in response.content.decode()
    assert client.get("/financer-et-acheter/outils/donnees.csv", params).status_code == 200
