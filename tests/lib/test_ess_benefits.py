"""The ESS-benefits registry's contract, with a fake provider: the self-check's result shows
what it returns, skips what returns nothing or an area not routed; experimentations' own
provider leads to the purchasing platform."""

import pytest
from django.urls import reverse

from experimentations.needs import purchasing_ess_benefit
from lib import ess_benefits
from lib.ess_benefits import EssBenefit

FAKE = EssBenefit(title="Un avantage de test", text="Pour vérifier le registre.", label="Voir", url="/test/")


@pytest.fixture
def with_fakes():
    ess_benefits.register_ess_benefit("faux", lambda: FAKE)
    ess_benefits.register_ess_benefit("rien", lambda: None)
    ess_benefits.register_ess_benefit("a-venir", lambda: EssBenefit("t", "t", "l", reverse("zone-a-venir:index")))
    yield
    for name in ("faux", "rien", "a-venir"):
        ess_benefits.unregister_ess_benefit(name)


def test_the_registered_benefits_are_listed_and_the_empty_ones_skipped(with_fakes):
    found = ess_benefits.ess_benefits()
    assert FAKE in found and len(found) == len({*found})
    assert all(benefit.title != "t" for benefit in found)


@pytest.mark.django_db
def test_the_result_page_shows_a_registered_benefit(client, with_fakes):
    html = client.get(reverse("appartenance:autodiagnostic-resultat"), {"forme": "association"}).content.decode()
    assert "Un avantage de test" in html and 'href="/test/"' in html


def test_experimentations_registers_the_purchasing_platform():
    benefit = purchasing_ess_benefit()
    assert benefit in ess_benefits.ess_benefits()
    assert benefit.url == reverse("experimentations:needs-inspiring")
