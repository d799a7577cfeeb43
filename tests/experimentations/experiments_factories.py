"""Experiments and financial tools for the experiments' and suggestions' tests."""

from datetime import date
from decimal import Decimal

from django.utils.text import slugify

from experimentations.models import Experiment, ExperimentIndicator, ExperimentMeasure, FinancialTool
from referentiels.models import Territory, TerritoryKind
from tests.annuaire.factories import OrganisationFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def make_tool(name="Prêt d'honneur Initiative Réunion", *, status=FinancialTool.Status.PUBLISHED, **values):
    provider = values.pop("provider", None) or OrganisationFactory(name=f"Porteur de {name}")
    return FinancialTool.objects.create(
        name=name,
        slug=slugify(name)[:200],
        provider=provider,
        instrument=values.pop("instrument", "pret_honneur"),
        summary=values.pop("summary", "Un prêt sans intérêt ni garantie pour créer son activité."),
        status=status,
        **values,
    )


def make_experiment(title="Monnaie locale complémentaire", *, is_public=True, partners=(), measures=3, **values):
    experiment = Experiment.objects.create(
        title=title,
        slug=slugify(title)[:200],
        summary=values.pop("summary", "Une monnaie locale pour les commerces de proximité."),
        is_public=is_public,
        budget=values.pop("budget", Decimal("45000")),
        starts_on=values.pop("starts_on", date(2026, 1, 1)),
        ends_on=values.pop("ends_on", date(2027, 6, 30)),
        **values,
    )
    experiment.partners.set(partners)
    experiment.territories.set(Territory.objects.filter(kind=TerritoryKind.EPCI).order_by("code")[:1])
    indicator = ExperimentIndicator.objects.create(
        experiment=experiment, name="Commerces adhérents", unit="commerces", target=Decimal("120")
    )
    for month in range(1, measures + 1):
        ExperimentMeasure.objects.create(indicator=indicator, measured_on=date(2026, month, 1), value=10 * month)
    return experiment
