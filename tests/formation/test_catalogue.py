"""The public catalogue: search, filters in the address, the training page with its
sessions, places left and published results."""

import json
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from formation.models import Audience, Modality, Registration, RegistrationTransition, Session, Theme, Training
from formation.workflows import REGISTRATION_WORKFLOW
from tests.formation.catalogue_factories import (
    RegistrationFactory,
    SessionFactory,
    TrainingFactory,
    attended,
    commune,
    move,
)

pytestmark = pytest.mark.django_db

REUNION = ZoneInfo("Indian/Reunion")
CATALOGUE = "/formations/"


def titles(client, **params) -> set[str]:
    html = client.get(CATALOGUE, params).content.decode()
    return set(re.findall(r'<h3 class="h5 mb-2"><a href="[^"]+">([^<]+)</a>', html))


def test_the_catalogue_lives_at_formations_and_lists_only_published_trainings(client):
    TrainingFactory(title="Gouvernance associative")
    TrainingFactory(title="Brouillon en cours", status=Training.Status.DRAFT)
    archived = TrainingFactory(title="Ancienne formation", status=Training.Status.ARCHIVED)
    assert reverse("formation:index") == CATALOGUE
    assert titles(client) == {"Gouvernance associative"}
    assert client.get(reverse("formation:formation", args=[archived.slug])).status_code == 404
    assert client.get(reverse("formation:formation", args=["nulle-part"])).status_code == 404


def test_search_is_french_full_text_without_accents(client):
    TrainingFactory(title="Comptabilité associative : les bases", summary="Tenir les comptes.")
    TrainingFactory(title="Créer une SCOP ou une SCIC", summary="Les sociétés coopératives.")
    TrainingFactory(
        title="Recruter", summary="De la fiche de poste à l'intégration.", objectives="Conduire un entretien d'embauche"
    )
    assert titles(client, q="comptabilite") == {"Comptabilité associative : les bases"}
    assert titles(client, q="COMPTABILITÉ ASSOCIATIVE") == {"Comptabilité associative : les bases"}
    assert titles(client, q="coopérative") == {"Créer une SCOP ou une SCIC"}  # stem: coopératives
    assert titles(client, q="entretiens") == {"Recruter"}  # in the objectives
    assert titles(client, q="scop -scic") == set()  # websearch syntax
    assert titles(client, q="aucunmotpareil") == set()
    assert "Aucune formation ne correspond" in client.get(CATALOGUE, {"q": "aucunmotpareil"}).content.decode()


def test_filters_by_theme_audience_modality(client):
    TrainingFactory(title="Gouvernance", theme=Theme.GOVERNANCE, audiences=["benevoles", "dirigeants"])
    TrainingFactory(
        title="Paie", theme=Theme.MANAGEMENT, audiences=["salaries", "employeurs"], modality=Modality.REMOTE
    )
    assert titles(client, theme="gestion") == {"Paie"}
    assert titles(client, public=Audience.MANAGERS) == {"Gouvernance"}
    assert titles(client, public=Audience.EMPLOYERS, modalite="distanciel") == {"Paie"}
    assert titles(client, public=Audience.EMPLOYERS, modalite="presentiel") == set()


def test_session_filters_territory_month_and_places_apply_to_one_same_session(client):
    now = timezone.now()
    in_saint_pierre = TrainingFactory(title="À Saint-Pierre")
    in_saint_denis = TrainingFactory(title="À Saint-Denis")
    full = TrainingFactory(title="Complète")
    past_only = TrainingFactory(title="Déjà passée")
    SessionFactory(training=in_saint_pierre, commune=commune("97416"), starts_at=now + timedelta(days=40))
    SessionFactory(training=in_saint_denis, commune=commune("97411"), starts_at=now + timedelta(days=5))
    full_session = SessionFactory(
        training=full, commune=commune("97416"), capacity=2, starts_at=now + timedelta(days=6)
    )
    RegistrationFactory(session=full_session)
    move(RegistrationFactory(session=full_session), Registration.Status.CONFIRMED)
    RegistrationFactory(session=full_session, status=Registration.Status.WAITING)
    SessionFactory(training=past_only, commune=commune("97416"), starts_at=now - timedelta(days=3))

    civis = commune("97416").parent  # Saint-Pierre's intercommunality
    assert titles(client, territoire=civis.slug) == {"À Saint-Pierre", "Complète"}
    assert titles(client, territoire=commune("97411").slug) == {"À Saint-Denis"}
    assert titles(client, places="1") == {"À Saint-Pierre", "À Saint-Denis"}
    assert titles(client, territoire=civis.slug, places="1") == {"À Saint-Pierre"}
    in_forty_days = timezone.localtime(now + timedelta(days=40))
    month = in_forty_days.strftime("%Y-%m")
    if timezone.localtime(now + timedelta(days=5)).month != in_forty_days.month:
        assert "À Saint-Denis" not in titles(client, mois=month)
    assert "À Saint-Pierre" in titles(client, mois=month)
    # Without session filters a training with no upcoming session is still in the catalogue.
    assert "Déjà passée" in titles(client)


def test_filters_are_in_the_address_and_unknown_values_are_ignored_and_said(client):
    TrainingFactory(title="Gouvernance", theme=Theme.GOVERNANCE)
    TrainingFactory(title="Paie", theme=Theme.MANAGEMENT)
    response = client.get(CATALOGUE, {"theme": "gestion", "territoire": "atlantide", "mois": "1999-01"})
    html = response.content.decode()
    assert response.status_code == 200
    assert titles(client, theme="gestion", territoire="atlantide") == {"Paie"}
    assert "n'ont pas été compris" in html and "lieu" in html and "mois" in html
    assert '<option value="gestion" selected>' in html
    assert 'name="robots" content="noindex' in html
    assert client.get(CATALOGUE, {"page": "999"}).status_code == 200
    assert client.get(CATALOGUE, {"q": "x" * 5000}).status_code == 200


def test_the_training_page_says_everything_a_trainee_needs(client):
    training = TrainingFactory(
        title="Gouvernance associative",
        objectives="Distinguer les instances\n- Lire les statuts",
        programme='<h3>Matin</h3><p>Les instances<script>alert(1)</script></p><a href="javascript:x()">lien</a>',
        prerequisites="Être membre d'une association.",
        duration_hours="10.5",
        modality=Modality.BLENDED,
        price="350.00",
        funding="OPCO Uniformation.",
        accessibility="Salle accessible ; référente handicap : Mme Payet.",
        audiences=["benevoles", "dirigeants"],
    )
    starts = datetime(2031, 3, 3, 8, 30, tzinfo=REUNION)
    session = SessionFactory(training=training, starts_at=starts, ends_at=starts + timedelta(hours=8), capacity=12)
    online = SessionFactory(
        training=training, commune=None, address="", online_url="https://visio.example.re/secret",
        starts_at=starts + timedelta(days=7), ends_at=starts + timedelta(days=8, hours=8),
    )  # fmt: skip
    html = client.get(reverse("formation:formation", args=[training.slug])).content.decode()
    for text in (
        "Distinguer les instances", "<li>Lire les statuts</li>", "<h3>Matin</h3>",
        "Être membre d&#x27;une association.",
        "10,5 heures", "Mixte", "350 € net de taxe par personne", "OPCO Uniformation.", "référente handicap",
        "Bénévoles, Dirigeant·es et élu·es",
        "lundi 3 mars 2031</time>, de 08h30 à 16h30", "12 rue de Paris, Saint-Denis", str(session.trainer),
        "12 places — <strong>12 places restantes</strong>", "Heures de La Réunion",
        "Du <time", "À distance : le lien de connexion est envoyé avec la convocation",
    ):  # fmt: skip
        assert text in html, text
    assert "<script>alert" not in html and "javascript:" not in html
    assert "visio.example.re/secret" not in html, "le lien de connexion ne va qu'aux inscrits"
    assert f'href="/formations/session/{session.pk}/inscription/"' in html
    assert f'id="session-{online.pk}"' in html


def test_places_left_count_the_registrations_that_hold_a_place(client):
    session = SessionFactory(capacity=4)
    RegistrationFactory(session=session)  # inscrite
    move(RegistrationFactory(session=session), Registration.Status.CONFIRMED)
    move(RegistrationFactory(session=session), Registration.Status.CANCELLED)
    RegistrationFactory(session=session, status=Registration.Status.WAITING)
    offered = RegistrationFactory(session=session, status=Registration.Status.WAITING)
    offered.offer_expires_at = timezone.now() + timedelta(hours=48)
    REGISTRATION_WORKFLOW.apply(
        offered, Registration.Status.OFFERED, log_model=RegistrationTransition,
        changes={"offer_expires_at": offered.offer_expires_at},
    )  # fmt: skip
    url = reverse("formation:formation", args=[session.training.slug])
    assert "<strong>1 place restante</strong>" in client.get(url).content.decode()
    RegistrationFactory(session=session)
    cache.clear()
    html = client.get(url).content.decode()
    assert "<strong>complet</strong> : inscrivez-vous sur la liste d'attente (1 personne avant vous)" in html
    assert "Rejoindre la liste d'attente" in html
    catalogue = client.get(CATALOGUE).content.decode()
    assert "<strong>complet</strong>, liste d'attente" in catalogue


def test_a_cancelled_or_started_session_is_not_offered(client):
    training = TrainingFactory()
    SessionFactory(training=training, status=Session.Status.CANCELLED)
    SessionFactory(training=training, starts_at=timezone.now() - timedelta(hours=1))
    html = client.get(reverse("formation:formation", args=[training.slug])).content.decode()
    assert "Aucune session n'est programmée" in html
    assert "S'inscrire" not in html


def test_results_are_published_from_five_answers(client):
    training = TrainingFactory()
    first = SessionFactory(training=training, starts_at=timezone.now() - timedelta(days=90))
    url = reverse("formation:formation", args=[training.slug])
    attended(first, people=4, present_everywhere=3, hot=[5, 4, 4, 3])
    html = client.get(url).content.decode()
    assert "publiés dès 5 réponses" in html and "/ 5" not in html
    second = SessionFactory(training=training, starts_at=timezone.now() - timedelta(days=30))
    attended(second, people=6, present_everywhere=5, hot=[5, 5, 4], cold_applied=[True, True, True, True, False])
    cache.clear()
    html = client.get(url).content.decode()
    # Satisfaction 5+4+4+3+5+5+4 = 30 / 7 = 4.29; completion 8 of 10 people at both half-days.
    assert "4,3 / 5" in html and "(7 avis en fin de formation)" in html
    assert "80 % des stagiaires ont suivi toute la formation" in html and "(sur 10)" in html
    assert "Mis en pratique au travail</dt><dd>80 %" in html


def test_the_training_page_describes_a_schema_org_course(client):
    training = TrainingFactory(title="Créer une SCOP", price="0")
    session = SessionFactory(training=training)
    html = client.get(reverse("formation:formation", args=[training.slug])).content.decode()
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["@type"] == "Course" and data["name"] == "Créer une SCOP"
    assert data["provider"]["name"] == "CRESS La Réunion"
    assert data["offers"]["category"] == "Free"
    (instance,) = data["hasCourseInstance"]
    assert instance["location"]["address"]["addressLocality"] == "Saint-Denis"
    assert instance["startDate"] == timezone.localtime(session.starts_at).isoformat()
    assert instance["startDate"].endswith("+04:00")


def test_the_sitemap_and_the_menu_list_the_catalogue(client):
    training = TrainingFactory(title="Publique")
    draft = TrainingFactory(title="Cachée", status=Training.Status.DRAFT)
    xml = client.get(reverse("sitemap-section", args=["formations"])).content.decode()
    assert reverse("formation:formation", args=[training.slug]) in xml
    assert draft.slug not in xml
    assert f'href="{CATALOGUE}"' in client.get("/").content.decode()


@pytest.mark.parametrize("size", [2, 12])
def test_query_counts_do_not_grow_with_the_catalogue(client, django_assert_num_queries, size):
    for index in range(size):
        training = TrainingFactory(audiences=["benevoles", "salaries"])
        for day in (5, 20):
            session = SessionFactory(training=training, starts_at=timezone.now() + timedelta(days=day + index))
            RegistrationFactory(session=session)
            RegistrationFactory(session=session, status=Registration.Status.WAITING)
    past = SessionFactory(training=training, starts_at=timezone.now() - timedelta(days=30))
    attended(past, people=size, present_everywhere=size - 1, hot=[4] * size, cold_applied=[True] * size)
    cache.clear()
    # territories, count, page, sessions, the cache's next change
    with django_assert_num_queries(5):
        assert client.get(CATALOGUE).status_code == 200
    cache.clear()
    with django_assert_num_queries(5):
        assert client.get(CATALOGUE, {"public": "salaries", "places": "1", "q": "formation"}).status_code == 200
    cache.clear()
    # training, sessions, surveys, attendance, the cache's next change; the resource centre's
    # « Ressources utiles » (lib.resources, cached apart)
    with django_assert_num_queries(6):
        assert client.get(reverse("formation:formation", args=[training.slug])).status_code == 200
    client.get(CATALOGUE)
    with django_assert_num_queries(0):  # then from the cache
        assert client.get(reverse("formation:formation", args=[training.slug])).status_code == 200
        assert client.get(CATALOGUE).status_code == 200


def test_each_territory_page_links_to_the_catalogue_filtered_by_it(client):
    from referentiels.models import Territory

    saint_pierre = commune("97416")
    SessionFactory(training=TrainingFactory(title="Au Sud"), commune=saint_pierre)
    SessionFactory(training=TrainingFactory(title="Au Nord"), commune=commune("97411"))
    page = client.get(reverse("territoires:index")).content.decode()
    for territory in (saint_pierre, Territory.objects.get(pk=saint_pierre.parent_id)):
        link = f"{CATALOGUE}?territoire={territory.slug}"
        assert f'href="{link}"' in page
        assert titles(client, territoire=territory.slug) == {"Au Sud"}


def test_the_catalogue_leads_employers_to_the_hr_support(client):
    page = client.get(reverse("formation:index")).content.decode()
    assert f'href="{reverse("formation:appui-rh")}"' in page and "Employeur de l'ESS" in page
