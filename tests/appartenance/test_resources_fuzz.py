"""Whatever the address says, the resource list answers a page, never an error: a parameter
it does not understand is said in French and ignored."""

from html import unescape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appartenance.models_resources import Resource
from tests.appartenance.resources_factories import make_resource

pytestmark = pytest.mark.django_db

NAMES = st.sampled_from(["q", "theme", "public", "format", "annee", "page", "autre"])
VALUES = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        ["creation", "porteur", "guide", "2025", "-1", "0", "1e9", "99999999999999999999", "\x00", "'", '"',
         "a OR b", "-", "«»", "coopératives", "statuts de SCIC", "!", "&", "<script>"]
    ),
)  # fmt: skip


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=st.dictionaries(NAMES, VALUES, max_size=6))
def test_any_query_string_gives_a_page(client, params):
    if not Resource.objects.exists():
        make_resource("Créer une coopérative")
    response = client.get("/ess/ressources/", params)
    assert response.status_code == 200, params
    html = unescape(response.content.decode())
    assert "Centre de ressources" in html
    filters = response.context["filters"]
    if filters.error_messages():
        assert "n'ont pas été compris et ont été ignorés" in html
    assert set(filters.understood) <= set(params)
