"""The public plan pages: the list, a plan's page (badges, progress, indicator charts with
their tables), its PDF summary, the workflow of a plan's actions, the cache and the queries."""

import re
from datetime import date
from decimal import Decimal
from itertools import product

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lib.workflow import TransitionNotAllowed
from referentiels.models import Territory, TerritoryKind
from territoires import documents, selectors, services
from territoires.models import Action, ActionTransition
from tests.annuaire.factories import OrganisationFactory
from tests.comptes.factories import StaffFactory
from tests.territoires.factories import epci, make_action, make_axis, make_indicator, make_plan, sample_plan

pytestmark = pytest.mark.django_db

A = Action.Status
STATES = list(A.values)
FINAL = {A.DONE, A.ABANDONED}


def expected_allowed(source, target) -> bool:
    """The rule as the issue states it: « terminée » and « abandonnée » are final; an action
    is finished only once started; every other change between states is allowed."""
    return source != target and source not in FINAL and not (source == A.PLANNED and target == A.DONE)


def reach(action, state, *, by=None):
    """Bring a new action to `state` through the workflow (never by assignment)."""
    path = {A.PLANNED: [], A.DONE: [A.IN_PROGRESS, A.DONE]}.get(state, [state])
    for step in path:
        services.move_action(action, step, by=by)


# --- The workflow of an action ------------------------------------------------------------


@pytest.mark.parametrize(("source", "target"), list(product(STATES, STATES)), ids=lambda s: s)
def test_every_transition_is_allowed_or_refused_as_declared_with_one_log_row(source, target):
    staff = StaffFactory(role="Partenariats")
    action = make_action(make_axis(make_plan()))
    reach(action, source)
    logs = ActionTransition.objects.filter(subject=action).count()
    if expected_allowed(source, target):
        entry = services.move_action(action, target, by=staff, comment="Comité du 12 mars")
        action.refresh_from_db()
        assert action.status == target
        assert ActionTransition.objects.filter(subject=action).count() == logs + 1
        assert (entry.from_state, entry.to_state, entry.by, entry.comment) == (
            source,
            target,
            staff,
            "Comité du 12 mars",
        )
    else:
        with pytest.raises(TransitionNotAllowed):
            services.move_action(action, target, by=staff)
        action.refresh_from_db()
        assert action.status == source
        assert ActionTransition.objects.filter(subject=action).count() == logs


# --- The plan's page ------------------------------------------------------------------------


def test_an_unpublished_or_unknown_plan_answers_404_page_and_pdf(client):
    plan = sample_plan()
    plan.is_published = False
    services.save_plan(plan)
    for name in ("territoires:plan", "territoires:plan-pdf"):
        assert client.get(reverse(name, args=[plan.slug])).status_code == 404
        assert client.get(reverse(name, args=["plan-inexistant"])).status_code == 404
    assert plan.title not in client.get(reverse("territoires:plans")).content.decode()


def test_the_plan_page_shows_territory_period_adoption_axes_and_actions(client):
    lead = OrganisationFactory(name="Ressourcerie du Nord")
    hidden = OrganisationFactory(name="Structure non publiée", is_published=False)
    partner = OrganisationFactory(name="Lakour Solidaire")
    plan = make_plan(epci(), title="Plan ESS de la CINOR", start_year=2024, end_year=2028, adopted_on=date(2024, 3, 14))
    plan.partners.set([partner])
    axis = make_axis(plan, order=1, title="Économie circulaire")
    started = make_action(
        axis,
        title="Ouvrir une ressourcerie",
        status=A.IN_PROGRESS,
        lead=lead,
        budget=Decimal("420000"),
        start_date=date(2024, 9, 1),
        end_date=date(2026, 6, 30),
    )
    started.partners.set([partner, hidden])
    make_action(axis, title="Former les élus", lead_name="CRESS La Réunion", status=A.BLOCKED)

    html = client.get(reverse("territoires:plan", args=[plan.slug])).content.decode()
    assert '<h1 class="mb-0">Plan ESS de la CINOR</h1>' in html
    assert "Communauté intercommunale du Nord de La Réunion" in html
    assert "2024 – 2028" in html
    assert "Adopté le 14 mars 2024" in html
    assert "Axe 1</span> Économie circulaire" in html
    # The state is written, not only coloured.
    assert re.search(r'class="badge state state-en_cours"><span class="visually-hidden">État : </span>En cours<', html)
    assert re.search(r'class="badge state state-bloque">.*Bloquée<', html)
    # The lead and partners lead to their directory pages; an unpublished one is only named.
    assert f'href="{reverse("annuaire:structure", args=[lead.slug])}">Ressourcerie du Nord</a>' in html
    assert f'href="{reverse("annuaire:structure", args=[partner.slug])}">Lakour Solidaire</a>' in html
    assert "Structure non publiée" in html
    assert reverse("annuaire:structure", args=[hidden.slug]) not in html
    assert "CRESS La Réunion" in html
    assert "420\xa0000&nbsp;€" in html
    assert "du 1 septembre 2024 au 30 juin 2026" in html
    assert f'href="{reverse("territoires:plan-pdf", args=[plan.slug])}"' in html


def test_a_plan_in_preparation_says_so(client):
    plan = make_plan(adopted_on=None)
    html = client.get(reverse("territoires:plan", args=[plan.slug])).content.decode()
    assert "En préparation" in html and "Adopté le" not in html


def test_the_diagnostic_is_shown_sanitised(client):
    plan = make_plan(diagnostic='<p onclick="alert(1)">Un <strong>territoire</strong></p><script>alert(2)</script>')
    html = client.get(reverse("territoires:plan", args=[plan.slug])).content.decode()
    assert "<p>Un <strong>territoire</strong></p>" in html
    assert "alert(" not in html


def test_the_progress_summary_gives_the_share_of_actions_per_state(client):
    plan = make_plan()
    axis = make_axis(plan)
    for state in (A.DONE, A.DONE, A.IN_PROGRESS, A.LATE):
        reach(make_action(axis), state)
    html = client.get(reverse("territoires:plan", args=[plan.slug])).content.decode()
    assert '<span class="progress-figure">2</span> actions terminées sur 4.' in html
    assert 'Terminée : <strong>2</strong> <span class="text-body-secondary">(50 %)</span>' in html
    assert 'En cours : <strong>1</strong> <span class="text-body-secondary">(25 %)</span>' in html
    assert "En retard : <strong>1</strong>" in html
    assert "À venir : <strong>" not in html  # a state with no action is left out
    assert '<desc id="avancement-desc">4 actions : 1 en cours, 1 en retard, 2 terminées.</desc>' in html


def test_each_indicator_has_a_chart_with_its_values_and_target_and_a_data_table(client):
    plan = make_plan(start_year=2025, end_year=2028)
    make_indicator(
        plan,
        label="Emplois créés",
        unit="emplois",
        baseline=Decimal("4"),
        target=Decimal("100"),
        target_year=2028,
        values=[(date(2025, 12, 31), 10), (date(2026, 6, 30), Decimal("35.5")), (date(2025, 6, 30), 1250)],
    )
    html = client.get(reverse("territoires:plan", args=[plan.slug])).content.decode()
    svg = re.search(
        r'<svg class="chart"[^>]*aria-labelledby="indicateur-1-titre indicateur-1-desc".*?</svg>', html
    ).group(0)
    assert 'role="img"' in svg
    assert '<title id="indicateur-1-titre">Emplois créés : valeurs mesurées et cible</title>' in svg
    assert "3 valeurs mesurées du 30 juin 2025 au 30 juin 2026 ; dernière valeur : 35,5 emplois" in svg
    assert "cible : 100 emplois en 2028" in svg
    # One point per value, in date order, each labelled; the target line and its label.
    assert svg.count('<circle class="point"') == 3
    labels = re.findall(r'<text class="value"[^>]*>([^<]+)</text>', svg)
    assert labels == ["1\xa0250", "10", "35,5"]
    assert '<line class="target"' in svg and "Cible 2028 : 100</text>" in svg
    assert '<circle class="baseline"' in svg
    # The table beside it, for screen readers and everyone.
    table = re.search(r"<table class=\"table table-sm mb-0\">.*?</table>", html, re.S).group(0)
    rows = re.findall(r'<tr[^>]*><th scope="row"[^>]*>([^<]+)</th><td class="num">([^<]+)</td></tr>', table)
    assert rows == [
        ("Valeur de départ (2025)", "4"),
        ("30 juin 2025", "1\xa0250"),
        ("31 décembre 2025", "10"),
        ("30 juin 2026", "35,5"),
        ("Cible 2028", "100"),
    ]


def test_an_indicator_without_values_says_so(client):
    plan = make_plan()
    make_indicator(plan, label="Structures accompagnées")
    html = client.get(reverse("territoires:plan", args=[plan.slug])).content.decode()
    assert "Aucune valeur mesurée pour l&#x27;instant" in html or "Aucune valeur mesurée pour l'instant" in html
    assert '<circle class="point"' not in html


def test_the_pdf_summary_is_built_by_the_worker_kept_per_version_and_awaited_meanwhile(
    client, django_capture_on_commit_callbacks
):
    plan = sample_plan()
    url = reverse("territoires:plan-pdf", args=[plan.slug])
    waiting = client.get(url)  # not built yet: asked for, and the visitor told so
    assert waiting.status_code == 202 and waiting["Retry-After"] == "10"
    assert "La synthèse est en préparation" in waiting.content.decode()
    assert f'href="{url}"' in waiting.content.decode()

    assert documents.build_plan_pdf(slug=plan.slug)  # the worker's part
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert f'filename="synthese-{plan.slug}.pdf"' in response["Content-Disposition"]
    with CaptureQueriesContext(connection) as cached:
        assert client.get(url).content == response.content
    assert len(cached) == 0  # from the cache

    plan.title = "Plan renommé"
    with django_capture_on_commit_callbacks(execute=True):
        services.save_plan(plan)  # a change bumps the version on commit: the summary is built again
    assert client.get(url).status_code == 202


def test_without_a_broker_the_pdf_is_built_in_the_request(client):
    from cress.celery import app

    plan = sample_plan()
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True  # the embedded default (no broker): tasks run in-process
    try:
        response = client.get(reverse("territoires:plan-pdf", args=[plan.slug]))
    finally:
        app.conf.task_always_eager = before
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")


def test_the_pdf_holds_the_plan_text():
    from io import BytesIO

    from pypdf import PdfReader

    plan = sample_plan()
    pdf = documents.plan_summary_pdf(selectors.plan_detail(plan.slug))
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages).split())
    assert plan.title in text
    assert "Structurer les filières" in text and "Créer une ressourcerie" in text and "En cours" in text
    assert "Cible 2028" in text


def test_the_plan_list_shows_published_plans_with_their_progress(client):
    region = Territory.objects.get(kind=TerritoryKind.REGION)
    plan = sample_plan()
    regional = make_plan(region, title="Plan régional")
    make_plan(title="Plan caché", is_published=False)
    html = client.get(reverse("territoires:plans")).content.decode()
    assert plan.title in html and "Plan régional" in html and "Plan caché" not in html
    assert html.index("Plan régional") < html.index(plan.title)  # the region first
    assert f'href="{reverse("territoires:plan", args=[regional.slug])}"' in html
    assert "0 action terminée sur 2" in html


def test_a_page_is_served_from_the_cache_until_the_data_changes(client, django_capture_on_commit_callbacks):
    plan = sample_plan()
    url = reverse("territoires:plan", args=[plan.slug])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert len(queries) == 0
    action = Action.objects.get(title="Former les élus")
    with django_capture_on_commit_callbacks(execute=True):
        services.move_action(action, A.IN_PROGRESS)
    html = client.get(url).content.decode()
    assert html.count('state-en_cours"><span') == 2


def test_the_sitemap_lists_published_plans_and_policies(client):
    from tests.territoires.factories import make_policy

    plan = sample_plan()
    hidden = make_plan(is_published=False)
    policy = make_policy()
    xml = client.get(reverse("sitemap-section", args=["plans-territoriaux"])).content.decode()
    assert reverse("territoires:plan", args=[plan.slug]) in xml
    assert reverse("territoires:politique", args=[policy.slug]) in xml
    assert reverse("territoires:plans") in xml and reverse("territoires:politiques") in xml
    assert reverse("territoires:plan", args=[hidden.slug]) not in xml


# --- Queries ----------------------------------------------------------------------------------


def _grow_plan(plan, *, axes, actions, indicators, values):
    partners = [OrganisationFactory() for _ in range(3)]
    plan.partners.set(partners)
    for a in range(axes):
        axis = make_axis(plan, order=a + 1)
        for _ in range(actions):
            action = make_action(axis, lead=partners[0], status=A.IN_PROGRESS)
            action.partners.set(partners)
    for _ in range(indicators):
        make_indicator(plan, values=[(date(2025, 1 + v % 12, 1 + v // 12), v) for v in range(values)])


def _cold_queries(client, url, cache) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_plan_page_and_its_pdf_make_as_many_queries_whatever_the_plan_size(client):
    from django.core.cache import cache

    small, large = make_plan(), make_plan()
    _grow_plan(small, axes=1, actions=1, indicators=1, values=1)
    _grow_plan(large, axes=4, actions=6, indicators=4, values=12)
    pages = [_cold_queries(client, reverse("territoires:plan", args=[plan.slug]), cache) for plan in (small, large)]
    assert pages[0] == pages[1] == 7  # the plan, its partners, axes, actions, their partners, indicators, values
    builds = []
    for plan in (small, large):
        with CaptureQueriesContext(connection) as queries:
            documents.build_plan_pdf(slug=plan.slug)
        builds.append(len(queries))
    assert builds[0] == builds[1] > 0


def test_the_plan_list_makes_as_many_queries_whatever_the_number_of_plans(client):
    from django.core.cache import cache

    _grow_plan(make_plan(), axes=1, actions=1, indicators=0, values=0)
    few = _cold_queries(client, reverse("territoires:plans"), cache)
    assert few == 1  # the plans with their territory and their actions counted per state
    for _ in range(6):
        _grow_plan(make_plan(), axes=2, actions=3, indicators=0, values=0)
    assert _cold_queries(client, reverse("territoires:plans"), cache) == few


def test_plans_for_gives_the_plans_of_the_territory_and_above_nearest_first_in_bounded_queries():
    region = Territory.objects.get(kind=TerritoryKind.REGION)
    cinor = epci("249740119")
    saint_denis = Territory.objects.get(kind=TerritoryKind.COMMUNE, code="97411")
    regional, intercommunal = make_plan(region), make_plan(cinor)
    communal, elsewhere = (
        make_plan(saint_denis),
        make_plan(Territory.objects.get(kind=TerritoryKind.COMMUNE, code="97416")),
    )
    older = make_plan(region, title="Autre plan régional", start_year=2020, end_year=2022)
    make_plan(cinor, is_published=False)
    make_action(make_axis(intercommunal), status=A.IN_PROGRESS)
    reloaded = Territory.objects.get(pk=saint_denis.pk)  # as a page would read it, parent not loaded
    with CaptureQueriesContext(connection) as queries:
        found = selectors.plans_for(reloaded)
    assert len(queries) <= 2
    assert found == [communal, intercommunal, regional, older]  # nearest first, then the latest
    assert elsewhere not in found
    assert selectors.plans_for(cinor) == [intercommunal, regional, older]  # not its communes'
    assert selectors.plans_for(region) == [regional, older]
    assert (found[1].action_count, found[1].done_count, found[1].progress.total) == (1, 0, 1)


# --- Demo -------------------------------------------------------------------------------------


def test_the_demo_seeds_two_epci_plans_and_the_policies_once_however_often_it_runs():
    from territoires.demo import seed_territories
    from territoires.models import Axis, Indicator, IndicatorValue, Plan, Policy, PtceMember

    lead = OrganisationFactory(name="Ressourcerie Lespas Recyclage")
    OrganisationFactory(name="Coopérative Ti Kaz Bio")

    def counts():
        models = (Plan, Axis, Action, ActionTransition, Indicator, IndicatorValue, Policy, PtceMember)
        return {model.__name__: model.objects.count() for model in models}

    assert seed_territories() == {"plans": 2, "policies": 6}
    first = counts()
    seed_territories()
    assert counts() == first
    plans = Plan.objects.filter(is_published=True).select_related("territory")
    assert sorted(plan.territory.short_name for plan in plans) == ["CINOR", "CIVIS"]
    # Actions in various states, each reached through the workflow with its log.
    states = set(Action.objects.values_list("status", flat=True))
    assert {A.PLANNED, A.IN_PROGRESS, A.LATE, A.PAUSED, A.BLOCKED, A.ABANDONED, A.DONE} <= states
    for action in Action.objects.exclude(status=A.PLANNED):
        assert ActionTransition.objects.filter(subject=action).last().to_state == action.status
    assert Action.objects.filter(lead=lead).exists()
    for indicator in Indicator.objects.filter(metric=""):
        assert indicator.values.count() >= 2, indicator
    followed = Indicator.objects.get(metric="annuaire.structures_ess")  # recorded from the directory today
    assert followed.values.get().measured_on == timezone.localdate()
    assert set(Policy.objects.values_list("level", flat=True)) == set(Policy.Level.values)
    ptce = Policy.objects.get(kind=Policy.Kind.PTCE)
    assert {member.kind for member in ptce.members.all()} >= {"ess", "entreprise", "collectivite", "recherche"}
    assert ptce.members.filter(organisation__name="Coopérative Ti Kaz Bio").exists()
