"""The job board's staff dashboard (the offers' admin, « Tableau de bord »): its figures on a
hand-built set of offers, applications and alerts, the period, the CSV without personal
data, who may open it, and a fixed number of queries whatever the number of rows."""

import csv
import io
import itertools
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from emplois.dashboard import NO_COMMUNE, NO_FAMILY, dashboard
from emplois.models import Application, JobAlertDelivery, MetierFamily, Offer, OfferTransition
from lib.periods import Period
from tests.annuaire.factories import OrganisationFactory
from tests.comptes.factories import StaffFactory
from tests.emplois.factories import make_application, make_job_alert, make_offer
from tests.helpers.auth import login_verified

pytestmark = pytest.mark.django_db
DASHBOARD = "admin:emplois_offer_dashboard"
CSV = "admin:emplois_offer_dashboard_csv"
Status = Offer.Status


def filled(offer, *, published_days_ago, filled_days_ago):
    now = timezone.now()
    Offer.objects.filter(pk=offer.pk).update(published_at=now - timedelta(days=published_days_ago))
    OfferTransition.objects.filter(subject=offer, to_state=Status.FILLED).update(
        created_at=now - timedelta(days=filled_days_ago)
    )


@pytest.fixture
def board():
    """Four offers published this year (a CDI and a mission open, a CDD and a CDI filled), one
    published 400 days ago, a draft; applications; alerts and their deliveries."""
    long_ago = timezone.now() - timedelta(days=400)
    kaz = OrganisationFactory(name="Ti Kaz Solidaire")
    cdi = make_offer("Aide à domicile", organisation=kaz, rome_code="K1302")
    mission = make_offer("Bénévole accueil", contract="benevolat", rome_code="G1203", commune_code=None, remote="total")
    cdd = make_offer("Animateur", contract="cdd", rome_code="G1203", commune_code="97415", status=Status.FILLED)
    filled(cdd, published_days_ago=20, filled_days_ago=10)
    cdi_filled = make_offer("Aide-soignant", rome_code="K1302", status=Status.FILLED)
    filled(cdi_filled, published_days_ago=50, filled_days_ago=10)
    old = make_offer("Ancienne offre", published_ago=timedelta(days=400))
    make_offer("Brouillon", status=Status.DRAFT)
    for status in (Application.Status.RECEIVED, Application.Status.RECEIVED, Application.Status.SEEN):
        make_application(cdi, status=status)
    make_application(mission, status=Application.Status.INTERVIEW)
    Application.objects.filter(pk=make_application(old, name="Ancien Candidat").pk).update(created_at=long_ago)
    alert = make_job_alert("a@exemple.re")
    make_job_alert("b@exemple.re", confirmed=False)
    gone = make_job_alert("c@exemple.re", unsubscribed_at=timezone.now())
    JobAlertDelivery.objects.bulk_create(
        [JobAlertDelivery(alert=alert, offer=cdi), JobAlertDelivery(alert=alert, offer=mission)]
    )
    JobAlertDelivery.objects.create(alert=gone, offer=cdi)
    JobAlertDelivery.objects.filter(pk=JobAlertDelivery.objects.create(alert=gone, offer=old).pk).update(
        created_at=long_ago
    )
    return {"cdi": cdi, "mission": mission, "cdd": cdd, "cdi_filled": cdi_filled, "old": old}


def test_the_figures_of_the_last_twelve_months(board):
    data = dashboard(Period.last_year())
    offers = data["offers"]
    assert offers["total"] == 4
    assert offers["by_kind"] == [("Emploi", 3), ("Mission bénévole", 1)]
    assert dict(offers["by_status"]) == {
        "Brouillon": 0, "En revue": 0, "Publiée": 2, "Pourvue": 2, "Expirée": 0, "Refusée": 0,
    }  # fmt: skip
    by_contract = dict(offers["by_contract"])
    assert (by_contract["CDI"], by_contract["CDD"], by_contract["Bénévolat"], by_contract["Stage"]) == (2, 1, 1, 0)
    assert dict(offers["by_territory"]) == {"CINOR": 2, "TCO": 1, NO_COMMUNE: 1}
    domains = dict(offers["by_domain"])
    assert len(domains) == 2 and sorted(domains.values()) == [2, 2]
    assert {label[0] for label in domains} == {"K", "G"}
    # A fiche may belong to several families: the offer counts in each.
    expected = {}
    for code, count in (("K1302", 2), ("G1203", 2)):
        names = list(MetierFamily.objects.filter(rome_fiches__code=code).values_list("name", flat=True))
        for name in names or [NO_FAMILY]:
            expected[name] = expected.get(name, 0) + count
    assert dict(offers["by_family"]) == expected

    applications = data["applications"]
    assert applications["total"] == 4
    assert dict(applications["by_status"]) == {
        "Reçue": 2, "Vue": 1, "Entretien proposé": 1, "Retenue": 0, "Non retenue": 0,
    }  # fmt: skip
    top = applications["top_offers"]
    assert [(row["title"], row["organisation"], row["total"]) for row in top] == [
        ("Aide à domicile", "Ti Kaz Solidaire", 3),
        ("Bénévole accueil", board["mission"].organisation.name, 1),
    ]
    assert top[0]["by_status"] == [2, 1, 0, 0, 0] and top[0]["pk"] == board["cdi"].pk

    fill = data["fill"]
    assert fill["overall"] == ("Toutes les offres", 2, 25.0, 37.0)  # 10 and 40 days
    assert fill["by_contract"] == [("CDI", 1, 40.0, 40.0), ("CDD", 1, 10.0, 10.0)]

    assert dict(data["alerts"]["rows"]) == {
        "Alertes actives aujourd'hui (confirmées, non désinscrites)": 1,
        "Alertes confirmées sur la période": 2,
        "Désinscriptions sur la période": 1,
        "Courriels d'alerte envoyés sur la période": 2,
        "Offres envoyées par ces courriels": 3,
        "Alertes ayant reçu au moins un courriel": 2,
    }


def test_everything_since_the_start_counts_the_old_offer(board):
    data = dashboard(Period())
    assert data["offers"]["total"] == 5 and data["applications"]["total"] == 5


def test_the_period_filters_every_table(client, board):
    login_verified(client, StaffFactory(role="Formation"))
    today = timezone.localdate()
    page = client.get(reverse(DASHBOARD), {"debut": (today - timedelta(days=15)).isoformat(), "fin": today})
    html = page.content.decode()
    # The CDD (20 days) and the filled CDI (50 days) were published before: two offers left.
    assert '<strong id="offers-total">2</strong>' in html
    assert page.context["data"]["fill"]["overall"][1] == 2  # both filled 10 days ago
    assert page.context["period"] == Period(today - timedelta(days=15), today)
    default = client.get(reverse(DASHBOARD))
    assert default.context["period"] == Period.last_year()
    assert '<strong id="offers-total">4</strong>' in default.content.decode()
    assert f'value="{Period.last_year().start.isoformat()}"' in default.content.decode()


@pytest.mark.parametrize(
    "query,message",
    [
        ({"debut": "pas-une-date"}, "Saisissez une date valide."),
        ({"debut": "2026-05-01", "fin": "2026-01-01"}, "La date de début est après la date de fin."),
    ],
)
def test_a_wrong_period_is_said_in_french_and_the_last_year_shown(client, board, query, message):
    login_verified(client, StaffFactory(role="Formation"))
    for name in (DASHBOARD, CSV):
        response = client.get(reverse(name), query)
        assert response.status_code == 200
    html = client.get(reverse(DASHBOARD), query).content.decode()
    assert "Dates invalides : période ignorée." in html and message in html
    assert '<strong id="offers-total">4</strong>' in html


def test_the_csv_has_every_table_and_no_personal_data(client, board):
    login_verified(client, StaffFactory(role="Direction"))
    response = client.get(reverse(CSV))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="tableau-de-bord-emplois.csv"'
    text = response.content.decode("utf-8").lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    titles = [row[0] for row, after in itertools.pairwise(rows) if len(row) == 1 and after]
    assert titles == [
        "Offres publiées",
        "Offres publiées par état",
        "Offres publiées par grand domaine ROME",
        "Offres publiées par famille de métiers de l'ESS",
        "Offres publiées par contrat",
        "Offres publiées par intercommunalité",
        "Candidatures reçues par état",
        "Offres ayant reçu le plus de candidatures (50 au plus)",
        "Délai de pourvoi (jours, de la publication à « pourvue »)",
        "Alertes",
    ]
    assert ["Total", "4"] in rows and ["CINOR", "2"] in rows and [NO_COMMUNE, "1"] in rows
    assert ["Aide à domicile", "Ti Kaz Solidaire", "3", "2", "1", "0", "0", "0"] in rows
    assert ["Toutes les offres", "2", "25,0", "37,0"] in rows
    assert "Josette" not in text and "Ancien Candidat" not in text and "@" not in text
    # The page's link asks for the same period.
    page = client.get(reverse(DASHBOARD)).content.decode()
    last_year = Period.last_year()
    assert f"{reverse(CSV)}?debut={last_year.start.isoformat()}&amp;fin={last_year.end.isoformat()}" in page


def test_offers_link_to_their_admin_page_and_the_lists_lead_to_the_dashboard(client, board):
    login_verified(client, StaffFactory(role="Communication"))
    page = client.get(reverse(DASHBOARD)).content.decode()
    assert f'href="{reverse("admin:emplois_offer_change", args=[board["cdi"].pk])}"' in page
    for name in ("admin:emplois_offer_changelist", "admin:index"):
        assert f'href="{reverse(DASHBOARD)}"' in client.get(reverse(name)).content.decode()


@pytest.mark.parametrize("role", ["Observatoire", "Partenariats"])
def test_a_role_that_cannot_see_the_offers_is_refused(client, role):
    login_verified(client, StaffFactory(role=role))
    for name in (DASHBOARD, CSV):
        assert client.get(reverse(name)).status_code == 403
    assert reverse(DASHBOARD) not in client.get(reverse("admin:index")).content.decode()


def test_an_anonymous_visitor_is_sent_to_the_login(client):
    for name in (DASHBOARD, CSV):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/login/" in response["Location"]


def rows_of(count):
    """`count` offers in different places and contracts, each with an application, filled
    or not, and a delivery."""
    alert = make_job_alert(f"alerte{count}@exemple.re")
    communes = ["97411", "97415", "97416", "97422"]
    for number in range(count):
        offer = make_offer(
            contract=["cdi", "cdd", "stage"][number % 3],
            commune_code=communes[number % 4],
            rome_code=["K1302", "G1203"][number % 2],
            status=Status.FILLED if number % 2 else Status.PUBLISHED,
        )
        make_application(offer, status=[Application.Status.RECEIVED, Application.Status.SEEN][number % 2])
        JobAlertDelivery.objects.create(alert=alert, offer=offer)


def test_the_queries_do_not_grow_with_the_rows(client):
    login_verified(client, StaffFactory(role="Direction"))

    def count(name):
        with CaptureQueriesContext(connection) as context:
            response = client.get(reverse(name))
            assert response.status_code == 200
        return len(context.captured_queries)

    rows_of(2)
    few = [count(DASHBOARD), count(CSV)]
    rows_of(10)
    assert dashboard(Period.last_year())["offers"]["total"] == 12
    assert [count(DASHBOARD), count(CSV)] == few
