"""The employment-figures registry's contract, with a fake source: each source's figure for
the divisions, in registration order, none without divisions; a secret figure stays one;
and the observatory is a registered source."""

import pytest

from lib import employment_figures
from lib.employment_figures import SECRET_LABEL, EmploymentFigure, EmploymentSource


@pytest.fixture
def only_fake():
    saved = employment_figures.sources()
    for source in saved:
        employment_figures.unregister(source.name)
    calls = []

    def figure(divisions):
        calls.append(divisions)
        if divisions == ["87"]:
            return EmploymentFigure(value=SECRET_LABEL, label="salarié·es", source="Test", year=2024, is_secret=True)
        if divisions == ["99"]:
            return None
        return EmploymentFigure(value="1 200", label="salarié·es", source="Test", year=2024)

    employment_figures.register(EmploymentSource(name="faux", figure=figure, version=lambda: 3))
    yield calls
    employment_figures.unregister("faux")
    for source in saved:
        employment_figures.register(source)


def test_the_observatory_is_a_registered_source():
    assert "observatoire" in [source.name for source in employment_figures.sources()]


def test_the_divisions_reach_the_source_once_sorted(only_fake):
    figures = employment_figures.figures_for(["88", "85", "88"])
    assert only_fake == [["85", "88"]]
    assert [figure.value for figure in figures] == ["1 200"]
    assert employment_figures.versions() == (("faux", 3),)


def test_a_secret_figure_and_a_missing_one(only_fake):
    (secret,) = employment_figures.figures_for(["87"])
    assert secret.is_secret and secret.value == "secret statistique"
    assert employment_figures.figures_for(["99"]) == []


def test_no_division_asks_no_source(only_fake):
    assert employment_figures.figures_for([]) == []
    assert only_fake == []
