"""The demo's Prix de l'ESS: last year's published (laureates' page, news item), this
year's under examination with applications, a jury with a declared conflict, and scores;
seeding twice adds nothing."""

import pytest
from django.utils import timezone

from appartenance import prix
from appartenance.demo_prix import JURORS, seed_prix
from appartenance.models_prix import ConflictOfInterest, PrixApplication, PrixCampaign, PrixEvaluation
from communication.models import NewsArticle
from tests.appartenance.prix_factories import make_applicant

pytestmark = pytest.mark.django_db


def test_the_demo_prix_has_a_published_campaign_and_one_under_examination(client):
    organisations = [make_applicant(f"Structure démo {n}")[0] for n in range(6)]
    report = seed_prix(organisations=organisations)
    year = timezone.localdate().year
    past, current = PrixCampaign.objects.get(year=year - 1), PrixCampaign.objects.get(year=year)
    assert report[current.title]["phase"] == "Examen par le jury"
    assert past.published_at and NewsArticle.objects.filter(slug=f"appartenance-prix-{year - 1}-laureats").exists()
    assert client.get(f"/ess/prix/{year - 1}/laureats/").status_code == 200
    assert current.applications.filter(status="deposee").count() == 6
    assert current.jury.count() == len(JURORS)
    (conflict,) = ConflictOfInterest.objects.filter(juror__campaign=current)
    assert not PrixEvaluation.objects.filter(juror=conflict.juror, application__organisation=conflict.organisation)
    assert PrixEvaluation.objects.filter(juror__campaign=current).count() == 3 * 6 - 1
    rows = [row for _category, rows in prix.ranking(current) for row in rows]
    assert all(row.count >= 2 for row in rows) and any(row.spread for row in rows)

    before = PrixApplication.objects.count()
    seed_prix(organisations=organisations)
    assert PrixApplication.objects.count() == before
