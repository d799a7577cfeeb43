"""Whatever the address says, the catalogue answers a page, never an error."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.formation.catalogue_factories import SessionFactory

pytestmark = pytest.mark.django_db

NAMES = st.sampled_from(["q", "theme", "public", "territoire", "mois", "modalite", "places", "page", "autre"])
VALUES = st.one_of(
    st.text(max_size=300),
    st.sampled_from(["gestion", "benevoles", "saint-denis", "2026-13", "9999-01", "0", "-1", "presentiel", "1"]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=st.dictionaries(NAMES, VALUES, max_size=6), text=st.text(max_size=120))
def test_any_query_string_gives_a_page(client, params, text):
    if not SessionFactory._meta.model.objects.exists():
        SessionFactory()
    response = client.get("/formations/", {**params, "q": params.get("q", text)})
    assert response.status_code == 200
    assert "Catalogue des formations" in response.content.decode()
