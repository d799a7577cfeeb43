"""Staff's side of the Prix de l'ESS: the consolidated ranking (weighted means, spread,
number of scores), the deliberation recorded, the laureates published from the admin;
the ranking's query count does not grow with the applications."""

from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from appartenance.models_prix import PrixApplication
from messagerie.models import OutgoingEmail
from tests.appartenance.prix_factories import make_applicant, make_application, make_campaign, make_juror, score

pytestmark = pytest.mark.django_db


def test_staff_rank_deliberate_and_publish(admin_client):
    campaign = make_campaign(phase="jury")
    first = make_application(campaign, *make_applicant("Kaz Première"))
    second = make_application(campaign, *make_applicant("Kaz Seconde"))
    alice, bruno = make_juror(campaign, "alice@exemple.re"), make_juror(campaign, "bruno@exemple.re")
    score(alice, first, 10, 5, 2)  # 7.00
    score(bruno, first, 6, 6, 6)  # 6.00
    score(alice, second, 4, 4, 4)
    base = f"/gestion/appartenance/prixcampaign/{campaign.pk}/"

    html = unescape(admin_client.get(base + "classement/").content.decode())
    assert html.index("Kaz Première") < html.index("Kaz Seconde")
    assert "6,50" in html and "1,00" in html and "6,00 · 7,00" in html  # mean, spread, each juror's

    response = admin_client.post(base + "deliberation/", {"minutes": ""})
    assert "Écrivez le compte rendu de la délibération." in unescape(response.content.decode())
    response = admin_client.post(base + "deliberation/", {"minutes": "Vote à l'unanimité.",
                                                          f"prix_{first.pk}": "Lauréat"})  # fmt: skip
    assert response.status_code == 302
    assert dict(PrixApplication.objects.values_list("pk", "status")) == {first.pk: "laureate",
                                                                         second.pk: "non_retenue"}  # fmt: skip
    assert admin_client.get(base + "publier/").status_code == 403
    response = admin_client.post(base + "publier/", follow=True)
    assert "Les lauréats sont publiés" in unescape(response.content.decode())
    assert OutgoingEmail.objects.filter(kind="appartenance/prix_resultats").count() == 2


def test_the_ranking_takes_a_constant_number_of_queries(admin_client):
    campaign = make_campaign(phase="jury")
    jurors = [make_juror(campaign, f"j{n}@exemple.re") for n in range(2)]

    def add(count):
        for _ in range(count):
            application = make_application(campaign, *make_applicant())
            for juror in jurors:
                score(juror, application, 5, 6, 7)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(f"/gestion/appartenance/prixcampaign/{campaign.pk}/classement/").status_code == 200
        return len(captured)

    add(1)
    few = queries()
    add(5)
    assert queries() == few
