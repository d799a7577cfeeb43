import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accueil.models import IntakeRequest, ParticipantProfile
from accueil.selectors import Period, dashboard, fse_report
from tests.accueil.factories import commune, make_request
from tests.comptes.factories import StaffFactory
from tests.helpers.auth import login_verified

pytestmark = pytest.mark.django_db


def requests(count, start=0, **values):
    made = []
    for index in range(start, start + count):
        intake, _token = make_request(email=f"p{index}@exemple.re", title=f"Projet {index}", **values)
        made.append(intake)
    return made


def test_counts_by_status_territory_need_and_week():
    requests(2, needs=("financement", "statut"))
    requests(1, start=2, needs=("emploi",), activity_commune=commune("97415"))
    IntakeRequest.objects.filter(email="p0@exemple.re").update(status="qualification")
    data = dashboard(Period())
    assert data["total"] == 3
    assert dict(data["by_status"])["Nouvelle"] == 2 and dict(data["by_status"])["En qualification"] == 1
    assert dict(data["by_epci"]) == {"CINOR": 2, "TCO": 1}
    needs = dict(data["by_need"])
    assert (needs["Financement"], needs["Choix du statut"], needs["Emploi"], needs["Formation"]) == (2, 2, 1, 0)
    assert sum(count for _week, count in data["by_week"]) == 3


def test_stale_requests_are_listed():
    _fresh, old = requests(2)
    IntakeRequest.objects.filter(pk=old.pk).update(last_activity_at=timezone.now() - timedelta(days=30))
    data = dashboard(Period())
    assert data["stale_count"] == 1 and data["stale"] == [old]


def test_period_filters_the_counts():
    first, _second = requests(2)
    IntakeRequest.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(days=60))
    today = timezone.localdate()
    assert dashboard(Period(today - timedelta(days=7), today))["total"] == 1


def test_fse_report_counts_every_indicator_and_the_unanswered():
    first, second, _third = requests(3)
    ParticipantProfile.objects.create(
        request=first, sex="femme", age_band="moins_25", education="cite_3_4", disadvantaged=True
    )
    ParticipantProfile.objects.create(request=second, sex="homme", age_band="25_54", employment="chomage")
    report = fse_report(Period())
    sections = {section["title"]: dict(section["rows"]) for section in report["sections"]}
    assert report["requests"] == 3 and report["answered"] == 2
    assert sections["Sexe"] == {"Femme": 1, "Homme": 1, "Autre ou ne se prononce pas": 0, "Non communiqué": 1}
    assert sections["Niveau d'études (CITE)"]["CAP, BEP, baccalauréat (CITE 3 et 4)"] == 1
    assert sections["Niveau d'études (CITE)"]["Non communiqué"] == 2
    assert sections["Situation de désavantage"] == {"Oui": 1, "Non": 0, "Non communiqué": 2}


def test_dashboard_export_and_report_pages(client):
    login_verified(client, StaffFactory(role="Accueil"))
    requests(2)
    assert client.get(reverse("admin:accueil_intakerequest_dashboard")).status_code == 200
    response = client.get(
        reverse("admin:accueil_intakerequest_export"), {"colonnes": ["reference", "porteur", "besoins"]}
    )
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode().lstrip("\ufeff"))))
    assert rows[0] == ["Référence", "Porteur", "Besoins"] and len(rows) == 3
    assert rows[1][1] == "Céline Dijoux" and rows[1][2] == "Financement"
    report = client.get(reverse("admin:accueil_intakerequest_fse"), {"format": "csv"})
    assert "Demandes déposées,,2" in report.content.decode()
    bad = client.get(reverse("admin:accueil_intakerequest_dashboard"), {"debut": "pas-une-date"})
    assert bad.status_code == 200 and "Dates invalides" in bad.content.decode()


@pytest.mark.parametrize("role", ["Formation", "Communication"])
def test_only_roles_with_access_to_requests_see_the_dashboard(client, role):
    login_verified(client, StaffFactory(role=role))
    for name in ["dashboard", "export", "fse"]:
        assert (
            client.get(reverse(f"admin:accueil_intakerequest_{name}"), {"colonnes": ["reference"]}).status_code == 403
        )


def test_dashboard_queries_do_not_grow_with_the_rows(client):
    login_verified(client, StaffFactory(role="Direction"))
    requests(3)

    def count(name, params=None):
        from django.core.cache import cache

        cache.clear()  # measure the computation, not the one-minute cache
        with CaptureQueriesContext(connection) as context:
            response = client.get(reverse(f"admin:accueil_intakerequest_{name}"), params or {})
            assert response.status_code == 200
            if response.streaming:
                b"".join(response.streaming_content)
        return len(context.captured_queries)

    pages = [("dashboard", None), ("fse", None), ("export", {"colonnes": ["reference", "epci", "charge"]})]
    few = [count(name, params) for name, params in pages]
    requests(25, start=3, activity_commune=commune("97416"))
    assert [count(name, params) for name, params in pages] == few
