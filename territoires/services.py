"""Every operation of Action 2 that changes state (DESIGN.md, « Inside an app »): views,
admin actions, tasks and commands call these; one transaction each."""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from lib import metrics
from lib.richtext import clean_html
from lib.workflow import WorkflowError
from territoires.models import Action, ActionTransition, Indicator, IndicatorValue, Plan, Policy
from territoires.workflows import ACTION_WORKFLOW


class NothingToMeasure(WorkflowError):
    """An indicator whose value cannot be recorded automatically; the message says why, in French."""


def move_action(action: Action, target: str, *, by=None, comment: str = "") -> ActionTransition:
    """Move a plan's action to `target` as declared (ACTION_WORKFLOW)."""
    return ACTION_WORKFLOW.apply(action, target, log_model=ActionTransition, by=by, comment=comment)


def save_plan(plan: Plan) -> Plan:
    """Save a plan with its diagnostic made safe (lib.richtext): what staff typed, nothing more."""
    plan.diagnostic = clean_html(plan.diagnostic)
    with transaction.atomic():
        plan.full_clean()
        plan.save()
    return plan


def save_policy(policy: Policy) -> Policy:
    """Save a policy with its description made safe (lib.richtext)."""
    policy.description = clean_html(policy.description)
    with transaction.atomic():
        policy.full_clean()
        policy.save()
    return policy


def record_indicator_value(indicator: Indicator, *, on: date | None = None) -> IndicatorValue:
    """Record the indicator's value on `on` (today) from its metric (lib.metrics), computed for
    the plan's territory up to that day; a value already recorded that day is replaced.

    Raises NothingToMeasure when the indicator has no metric, or the metric is unknown or
    cannot count for that territory.
    """
    on = on or timezone.localdate()
    if not indicator.metric:
        raise NothingToMeasure(
            f"« {indicator.label} » n'a pas de chiffre calculé : saisissez ses valeurs à la main "
            "(mesures de l'indicateur)."
        )
    metric = metrics.get(indicator.metric)
    if metric is None or metric.scope != metrics.Scope.TERRITORY:
        raise NothingToMeasure(
            f"« {indicator.label} » suit le chiffre « {indicator.metric} », qui n'est plus disponible : "
            "choisissez un autre chiffre calculé ou saisissez les valeurs à la main."
        )
    territory = indicator.plan.territory
    value = metric.compute(territory, None, on + timedelta(days=1))
    if value is None:
        raise NothingToMeasure(
            f"« {metric.label} » ne peut pas être compté pour {territory.name} : aucune valeur relevée."
        )
    with transaction.atomic():
        recorded, _created = IndicatorValue.objects.update_or_create(
            indicator=indicator,
            measured_on=on,
            defaults={"value": value, "source": f"Relevé automatique : {metric.label}"[:200]},
        )
    return recorded
