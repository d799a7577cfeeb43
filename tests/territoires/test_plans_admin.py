"""The staff's workplace for plans and policies: sanitised rich text, inlines, the action
workflow's buttons, « Relever la valeur » from a metric, PTCE members only on a PTCE."""

from datetime import date, timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from lib import metrics
from referentiels.models import Territory, TerritoryKind
from territoires.models import Action, ActionTransition, Axis, IndicatorValue, Plan, Policy, PtceMember
from tests.comptes.factories import StaffFactory
from tests.helpers.auth import login_as
from tests.territoires.factories import epci, make_action, make_axis, make_indicator, make_plan, make_policy

pytestmark = pytest.mark.django_db

DIRTY = '<h1>Diagnostic</h1><p onclick="alert(1)">Un <a href="javascript:alert(2)">lien</a></p><script>x()</script>'
CLEAN = '<h2>Diagnostic</h2><p>Un <a rel="noopener noreferrer">lien</a></p>'


@pytest.fixture
def staff(client):
    return login_as(client, StaffFactory(role="Partenariats"))


def management(prefix, total=0, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def plan_form(**fields):
    data = {
        "title": "Plan ESS de la CINOR",
        "slug": "plan-ess-cinor",
        "territory": str(epci().pk),
        "summary": "Développer l'ESS au nord.",
        "diagnostic": DIRTY,
        "start_year": "2025",
        "end_year": "2028",
        "adopted_on": "",
        "is_published": "on",
        "owner": "",
        **management("axes"),
        **management("indicators"),
    }
    data.update(fields)
    return data


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- Rich text ------------------------------------------------------------------------------


def test_a_plan_ending_before_it_starts_is_refused_in_french(staff):
    response = staff.post(reverse("admin:territoires_plan_add"), plan_form(start_year="2028", end_year="2025"))
    assert response.status_code == 200
    assert "Le plan finit avant de commencer : vérifiez les deux années." in response.content.decode()
    assert not Plan.objects.exists()


def test_a_plan_saved_in_the_admin_has_its_diagnostic_sanitised(staff):
    response = staff.post(reverse("admin:territoires_plan_add"), plan_form())
    assert response.status_code == 302, response.content.decode()[:2000]
    plan = Plan.objects.get(slug="plan-ess-cinor")
    assert plan.diagnostic == CLEAN
    response = staff.post(
        reverse("admin:territoires_plan_change", args=[plan.pk]),
        plan_form(diagnostic='<p style="color:red">Mis à jour</p><img src=x onerror=alert(1)>'),
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.diagnostic == "<p>Mis à jour</p>"


def test_a_policy_saved_in_the_admin_has_its_description_sanitised(staff):
    region = Territory.objects.get(kind=TerritoryKind.REGION)
    data = {
        "title": "Stratégie régionale",
        "slug": "strategie-regionale",
        "level": Policy.Level.REGION,
        "kind": Policy.Kind.STRATEGY,
        "summary": "La feuille de route.",
        "description": DIRTY,
        "carrier": "",
        "territories": [str(region.pk)],
        "start_year": "2023",
        "end_year": "",
        "url": "",
        "is_published": "on",
    }
    response = staff.post(reverse("admin:territoires_policy_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    policy = Policy.objects.get(slug="strategie-regionale")
    assert policy.description == CLEAN
    assert list(policy.territories.all()) == [region]


# --- Inlines --------------------------------------------------------------------------------


def test_a_plan_edits_its_axes_and_indicators_and_an_axis_its_actions(staff):
    plan = make_plan()
    page = staff.get(reverse("admin:territoires_plan_change", args=[plan.pk])).content.decode()
    assert 'name="axes-TOTAL_FORMS"' in page and 'name="indicators-TOTAL_FORMS"' in page
    response = staff.post(
        reverse("admin:territoires_plan_change", args=[plan.pk]),
        plan_form(
            slug=plan.slug,
            **management("axes", total=1),
            **{"axes-0-order": "1", "axes-0-title": "Réemploi", "axes-0-description": ""},
        ),
    )
    assert response.status_code == 302
    axis = Axis.objects.get(plan=plan)
    data = {"plan": str(plan.pk), "order": "1", "title": "Réemploi", "description": "", **management("actions", 2)}
    for index, title in enumerate(["Ouvrir une ressourcerie", "Former les élus"]):
        data |= {
            f"actions-{index}-order": str(index + 1),
            f"actions-{index}-title": title,
            f"actions-{index}-budget": "12000",
            f"actions-{index}-start_date": "01/03/2026",
            f"actions-{index}-end_date": "31/12/2026",
        }
    response = staff.post(reverse("admin:territoires_axis_change", args=[axis.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert [(a.title, a.status, a.budget) for a in axis.actions.order_by("order")] == [
        ("Ouvrir une ressourcerie", "a_venir", 12000),
        ("Former les élus", "a_venir", 12000),
    ]


def test_an_action_dated_backwards_is_refused_with_a_french_message(staff):
    axis = make_axis(make_plan())
    data = {"plan": str(axis.plan_id), "order": "1", "title": axis.title, "description": "", **management("actions", 1)}
    data |= {
        "actions-0-order": "1",
        "actions-0-title": "À l'envers",
        "actions-0-start_date": "01/03/2027",
        "actions-0-end_date": "01/03/2026",
    }
    response = staff.post(reverse("admin:territoires_axis_change", args=[axis.pk]), data)
    assert response.status_code == 200
    assert "La fin prévue précède le début : vérifiez les deux dates." in response.content.decode()
    assert not Action.objects.filter(axis=axis).exists()


# --- The action's workflow buttons --------------------------------------------------------------


def test_the_action_page_offers_its_allowed_transitions_and_each_writes_one_log_row(staff):
    action = make_action(make_axis(make_plan()))
    page = staff.get(reverse("admin:territoires_action_change", args=[action.pk])).content.decode()
    assert "Démarrer ou reprendre" in page and "Abandonner" in page
    assert "Terminer" not in page  # not from « à venir »
    response = staff.post(
        reverse("admin:territoires_action_transition", args=[action.pk, "en_cours"]), {"comment": "Lancée"}
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == "en_cours"
    assert list(ActionTransition.objects.filter(subject=action).values_list("from_state", "to_state", "comment")) == [
        ("a_venir", "en_cours", "Lancée")
    ]
    assert "C'est fait : l'état de l'action est enregistré." in messages_of(response)


def test_a_transition_not_declared_is_refused_in_french_and_changes_nothing(staff):
    action = make_action(make_axis(make_plan()), status="en_cours")
    staff.post(reverse("admin:territoires_action_transition", args=[action.pk, "termine"]))
    response = staff.post(reverse("admin:territoires_action_transition", args=[action.pk, "en_cours"]))
    action.refresh_from_db()
    assert action.status == "termine"
    assert any(message.startswith("Transition refusée") for message in messages_of(response))
    assert ActionTransition.objects.filter(subject=action).count() == 2  # « en cours », then « terminée »


# --- Indicators: the metric and « Relever la valeur » ------------------------------------------


@pytest.fixture
def communes_metric():
    """A real metric of the registry: the communes inside a territory (None for a commune)."""

    def compute(territory, start, end):
        if territory.kind == TerritoryKind.COMMUNE:
            return None
        return Territory.objects.filter(parent=territory, kind=TerritoryKind.COMMUNE).count()

    metrics.register(
        metrics.Metric("test.communes", "Communes du territoire (essai)", metrics.Scope.TERRITORY, compute)
    )
    metrics.register(
        metrics.Metric("test.orientations", "Orientations reçues (essai)", metrics.Scope.ORGANISATION, compute)
    )
    yield
    metrics.unregister("test.communes")
    metrics.unregister("test.orientations")


def run_record(client, *indicators):
    return client.post(
        reverse("admin:territoires_indicator_changelist"),
        {"action": "record_values", "_selected_action": [indicator.pk for indicator in indicators]},
        follow=True,
    )


def test_the_metric_select_offers_the_territory_metrics_only(staff, communes_metric):
    indicator = make_indicator(make_plan())
    page = staff.get(reverse("admin:territoires_indicator_change", args=[indicator.pk])).content.decode()
    assert '<option value="test.communes">Communes du territoire (essai)</option>' in page
    assert "test.orientations" not in page
    assert "Aucun : valeurs saisies à la main" in page


def test_relever_records_today_s_value_of_the_metric_for_the_plan_s_territory(staff, communes_metric):
    indicator = make_indicator(make_plan(epci("249740119")), label="Communes couvertes", metric="test.communes")
    response = run_record(staff, indicator)
    today = timezone.localdate()
    value = IndicatorValue.objects.get(indicator=indicator)
    assert (value.measured_on, value.value) == (today, 3)  # the CINOR's three communes
    assert value.source == "Relevé automatique : Communes du territoire (essai)"
    assert any("Valeur relevée le" in m and "« Communes couvertes » : 3" in m for m in messages_of(response))
    run_record(staff, indicator)  # the same day again: replaced, not doubled
    assert IndicatorValue.objects.filter(indicator=indicator).count() == 1


def test_relever_explains_in_french_when_there_is_nothing_to_measure(staff, communes_metric):
    plan = make_plan()
    typed = make_indicator(plan, label="Emplois créés")
    unknown = make_indicator(plan, label="Ancien chiffre", metric="app.retiree")
    commune_plan = make_plan(Territory.objects.get(kind=TerritoryKind.COMMUNE, code="97411"))
    uncountable = make_indicator(commune_plan, label="Communes", metric="test.communes")
    response = run_record(staff, typed, unknown, uncountable)
    texts = messages_of(response)
    assert any("« Emplois créés » n'a pas de chiffre calculé" in text for text in texts)
    assert any(
        "« Ancien chiffre » suit le chiffre « app.retiree », qui n'est plus disponible" in text for text in texts
    )
    assert any("ne peut pas être compté pour Saint-Denis" in text for text in texts)
    assert not IndicatorValue.objects.exists()


def test_the_metric_is_computed_up_to_the_end_of_the_day(communes_metric):
    from territoires import services

    seen = {}

    def compute(territory, start, end):
        seen["window"] = (start, end)
        return 7

    metrics.register(metrics.Metric("test.window", "Fenêtre (essai)", metrics.Scope.TERRITORY, compute))
    try:
        indicator = make_indicator(make_plan(), metric="test.window")
        services.record_indicator_value(indicator, on=date(2026, 6, 30))
    finally:
        metrics.unregister("test.window")
    assert seen["window"] == (None, date(2026, 6, 30) + timedelta(days=1))


# --- PTCE members ---------------------------------------------------------------------------


def test_members_are_edited_on_a_ptce_only(staff):
    ptce = make_policy(kind=Policy.Kind.PTCE, level=Policy.Level.EPCI, members=[(PtceMember.Kind.ESS, "Ressourcerie")])
    strategy = make_policy()
    assert (
        'name="members-TOTAL_FORMS"'
        in staff.get(reverse("admin:territoires_policy_change", args=[ptce.pk])).content.decode()
    )
    page = staff.get(reverse("admin:territoires_policy_change", args=[strategy.pk])).content.decode()
    assert 'name="members-TOTAL_FORMS"' not in page


def test_a_member_of_a_policy_that_is_not_a_ptce_is_refused_in_french():
    strategy = make_policy(title="Stratégie régionale")
    member = PtceMember(policy=strategy, kind=PtceMember.Kind.ESS, name="Ressourcerie")
    with pytest.raises(ValidationError) as refused:
        member.full_clean()
    assert "Seul un pôle territorial de coopération économique (PTCE) a des membres" in str(refused.value)


def test_a_ptce_with_members_cannot_become_another_kind_of_policy(staff):
    ptce = make_policy(kind=Policy.Kind.PTCE, level=Policy.Level.EPCI, members=[(PtceMember.Kind.ESS, "Ressourcerie")])
    member = ptce.members.get()
    data = {
        "title": ptce.title,
        "slug": ptce.slug,
        "level": ptce.level,
        "kind": Policy.Kind.SCHEME,
        "summary": ptce.summary,
        "description": "",
        "carrier": "",
        "territories": [str(t.pk) for t in ptce.territories.all()],
        "start_year": "",
        "end_year": "",
        "url": "",
        "is_published": "on",
        **management("members", 1, 1),
        "members-0-id": str(member.pk),
        "members-0-policy": str(ptce.pk),
        "members-0-kind": member.kind,
        "members-0-name": member.name,
    }
    response = staff.post(reverse("admin:territoires_policy_change", args=[ptce.pk]), data)
    assert response.status_code == 200
    assert "Seul un PTCE a des membres" in response.content.decode()
    ptce.refresh_from_db()
    assert ptce.kind == Policy.Kind.PTCE
