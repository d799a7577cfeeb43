"""The admin home of whoever works on requests starts with the day's work (issue 18, point 5)."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accueil.models import IntakeRequest
from accueil.services import add_holder_information, transition_request
from tests.accueil.factories import make_request
from tests.comptes.factories import StaffFactory
from tests.helpers.auth import login_verified

pytestmark = pytest.mark.django_db


def counts(page):
    panel = page[page.index("Aujourd'hui à l'accueil") : page.index("Tableau de bord complet")]
    return [
        (int(n), re.sub(r"<[^>]+>|\s+", " ", text).strip())
        for n, text in re.findall(r"<strong>(\d+)</strong>(.*?)</a>", panel, re.S)
    ]


def test_the_accueil_home_counts_the_days_work_and_leads_to_it(client):
    nadia = StaffFactory(role="Accueil")
    mine, _ = make_request(email="a@exemple.re")
    transition_request(intake=mine, target="qualification", by=nadia)
    add_holder_information(intake=mine, body="Voici ma réponse.", documents=[])
    make_request(email="b@exemple.re")
    old, _ = make_request(email="c@exemple.re")
    IntakeRequest.objects.filter(pk=old.pk).update(last_activity_at=timezone.now() - timedelta(days=30))
    login_verified(client, nadia)
    page = client.get(reverse("admin:index")).content.decode()
    assert [n for n, _text in counts(page)] == [1, 1, 2, 1]
    assert page.index("Aujourd'hui à l'accueil") < page.index('id="content-main"')  # before the apps
    for link in re.findall(r'<section class="module staff-today".*?</section>', page, re.S)[0].split('href="')[1:5]:
        url = link.split('"')[0].replace("&amp;", "&")
        assert client.get(url).status_code == 200
    mine_list = client.get(
        reverse("admin:accueil_intakerequest_changelist")
        + "?attribuee=moi&status__in=nouvelle%2Cqualification%2Cattente_infos%2Corientee%2Csuivi"
    ).content.decode()
    assert mine.reference in mine_list and old.reference not in mine_list


def test_other_roles_keep_the_plain_home(client):
    login_verified(client, StaffFactory(role="Communication"))
    page = client.get(reverse("admin:index")).content.decode()
    assert "Aujourd'hui à l'accueil" not in page
