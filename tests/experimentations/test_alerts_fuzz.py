"""Whatever the address and the form say, the alert page answers in French, never a 500."""

import html

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from experimentations.models import ToolAlert

pytestmark = pytest.mark.django_db

NEW = "/financer-et-acheter/alertes/nouvelle/"
NAMES = st.sampled_from(["q", "instrument", "commune", "amount", "appels", "clos", "outil", "sector", "autre"])
VALUES = st.one_of(
    st.text(max_size=300),
    st.sampled_from(["garantie", "97411", "12345", "-1", "1e9", "1", "A", "zz", "pret-solidaire-1", "\x00"]),
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
FRENCH = ("Vérifiez votre messagerie", "Cette alerte ne peut pas être créée", "Recevoir une alerte", "Trop d'envois")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=st.dictionaries(NAMES, VALUES, max_size=5), form=FORM)
def test_any_address_and_form_give_a_french_page(client, params, form):
    page = client.get(NEW, params)
    assert page.status_code in (200, 400)
    response = client.post(f"{NEW}?{page.wsgi_request.META['QUERY_STRING']}", form)
    assert response.status_code in (200, 400, 429)
    text = html.unescape(response.content.decode())
    assert any(sentence in text for sentence in FRENCH)
    if response.status_code == 400 and "Cette alerte ne peut pas être créée" not in text:
        said = ("Indiquez l'adresse", "n'est pas valable", "est trop longue", "Votre accord est nécessaire",
                "Choisissez", "rempli automatiquement")  # fmt: skip
        assert any(sentence in text for sentence in said), text
    assert ToolAlert.objects.filter(confirmed_at__isnull=False).count() == 0
