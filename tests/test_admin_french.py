"""The staff admin reads in French and in Réunion's time; its territory filters list each
place once (issue 18, point 5)."""

import re
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from accueil.services import transition_request
from lib.dates import french_date, french_datetime, french_short_date
from tests.accueil.factories import make_request
from tests.annuaire.factories import OrganisationFactory
from tests.comptes.factories import StaffFactory
from tests.helpers.auth import login_verified

pytestmark = pytest.mark.django_db


def test_dates_are_french_and_in_reunion_time():
    # 11:39 UTC is 15:39 in Réunion (UTC+4, no summer time); 22:00 UTC is already the next day.
    assert french_datetime(datetime(2026, 12, 2, 11, 39, tzinfo=UTC)) == "2 décembre 2026 15:39"
    assert french_date(datetime(2026, 8, 1, 22, 0, tzinfo=UTC)) == "2 août 2026"
    # In lists: short, and June and July never read alike.
    assert french_short_date(datetime(2026, 6, 2, 8, tzinfo=UTC)) == "2 juin 2026"
    assert french_short_date(datetime(2026, 7, 2, 8, tzinfo=UTC)) == "2 juil. 2026"
    assert french_short_date(datetime(2026, 12, 2, 8, tzinfo=UTC)) == "2 déc. 2026"


def filter_choices(page, title):
    block = re.search(rf"<summary>\s*Par {title}\s*</summary>(.*?)</details>", page, re.S).group(1)
    return [re.sub(r"\s+", " ", name).strip() for name in re.findall(r"<a [^>]*>(.*?)</a>", block)]


@pytest.mark.parametrize(
    "changelist", ["admin:accueil_intakerequest_changelist", "admin:annuaire_organisation_changelist"]
)
def test_territory_filters_list_each_commune_and_intercommunality_once(client, changelist):
    login_verified(client, StaffFactory(role="Accueil"))
    page = client.get(reverse(changelist)).content.decode()
    communes = filter_choices(page, "commune")
    assert "Saint-Denis" in communes and "Le Tampon" in communes
    assert len(communes) == len(set(communes))
    epcis = filter_choices(page, "intercommunalité")
    assert set(epcis) == {"Tout", "CINOR", "CIREST", "CIVIS", "CASUD", "TCO", "Non renseignée"}


def test_filtering_by_commune_and_by_intercommunality(client):
    login_verified(client, StaffFactory(role="Accueil"))
    from tests.accueil.factories import commune

    saint_denis, _ = make_request(email="a@exemple.re", title="Projet dionysien")
    tampon, _ = make_request(email="b@exemple.re", title="Projet tamponnais", activity_commune=commune("97422"))
    url = reverse("admin:accueil_intakerequest_changelist")
    page = client.get(url, {"activity_commune__id__exact": commune("97422").pk}).content.decode()
    assert tampon.reference in page and saint_denis.reference not in page
    page = client.get(url, {"activity_commune__parent__id__exact": commune("97411").parent_id}).content.decode()
    assert saint_denis.reference in page and tampon.reference not in page


def test_the_request_history_reads_in_french_in_local_time(client):
    nadia = StaffFactory(role="Accueil")
    login_verified(client, nadia)
    intake, _ = make_request()
    log = transition_request(intake=intake, target="qualification", by=nadia)
    OrganisationFactory()  # a directory record: the page must not depend on it
    page = client.get(reverse("admin:accueil_intakerequest_change", args=[intake.pk])).content.decode()
    assert f"Changement d&#x27;état du {french_datetime(log.created_at)}" in page
    journal = re.sub(r"\s+", "", page[page.index("Journal") :])
    assert '<tdclass="field-from_label"><p>Nouvelle</p></td>' in journal
    assert '<tdclass="field-to_label"><p>Enqualification</p></td>' in journal
    assert not re.search(r"\d{2}/\d{2}/\d{4}|\d{4}-\d{2}-\d{2} ", re.sub(r"<script.*?</script>", "", page, flags=re.S))
