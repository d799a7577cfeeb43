"""Territorial plans, their axes, actions, indicators, and public policies (PTCE with
members); action states beyond « à venir » go through ACTION_WORKFLOW."""

from datetime import date

from referentiels.models import Territory, TerritoryKind
from territoires import services
from territoires.models import Action, Axis, Indicator, IndicatorValue, Plan, Policy, PtceMember

_counter = {"n": 0}


def _next() -> int:
    _counter["n"] += 1
    return _counter["n"]


def epci(code="249740119"):
    """An EPCI by SIREN (default: the CINOR)."""
    return Territory.objects.get(kind=TerritoryKind.EPCI, code=code)


def make_plan(territory=None, **fields) -> Plan:
    n = _next()
    territory = territory or Territory.objects.filter(kind=TerritoryKind.EPCI).order_by("code").first()
    fields.setdefault("title", f"Plan ESS n°{n} — {territory.name}")
    fields.setdefault("slug", f"plan-ess-{n}")
    fields.setdefault("summary", "Développer l'ESS sur le territoire.")
    fields.setdefault("diagnostic", "<p>Un territoire riche d'associations.</p>")
    fields.setdefault("start_year", 2025)
    fields.setdefault("end_year", 2028)
    fields.setdefault("is_published", True)
    return Plan.objects.create(territory=territory, **fields)


def make_axis(plan, **fields) -> Axis:
    fields.setdefault("title", f"Axe n°{_next()}")
    return Axis.objects.create(plan=plan, **fields)


def make_action(axis, *, status="a_venir", by=None, **fields) -> Action:
    fields.setdefault("title", f"Action n°{_next()}")
    action = Action.objects.create(axis=axis, **fields)
    if status != "a_venir":
        services.move_action(action, status, by=by)
    return action


def make_indicator(plan, *, values=(), **fields) -> Indicator:
    fields.setdefault("label", f"Emplois créés n°{_next()}")
    fields.setdefault("target", 100)
    fields.setdefault("target_year", plan.end_year)
    indicator = Indicator.objects.create(plan=plan, **fields)
    for measured_on, value in values:
        IndicatorValue.objects.create(indicator=indicator, measured_on=measured_on, value=value)
    return indicator


def make_policy(*territories, kind=Policy.Kind.STRATEGY, level=Policy.Level.REGION, members=(), **fields) -> Policy:
    n = _next()
    fields.setdefault("title", f"Politique ESS n°{n}")
    fields.setdefault("slug", f"politique-ess-{n}")
    fields.setdefault("summary", "Soutenir l'ESS.")
    policy = Policy.objects.create(kind=kind, level=level, **fields)
    policy.territories.set(territories or [Territory.objects.get(kind=TerritoryKind.REGION)])
    for member_kind, name in members:
        PtceMember.objects.create(policy=policy, kind=member_kind, name=name)
    return policy


def sample_plan(territory=None) -> Plan:
    """A plan with an axis, two actions (one under way) and an indicator with two values."""
    plan = make_plan(territory)
    axis = make_axis(plan, title="Structurer les filières")
    make_action(axis, title="Créer une ressourcerie", status="en_cours")
    make_action(axis, title="Former les élus")
    make_indicator(plan, values=[(date(2025, 12, 31), 10), (date(2026, 6, 30), 35)])
    return plan
