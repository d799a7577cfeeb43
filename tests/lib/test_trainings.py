"""The trainings registry's contract, with a fake source: the métiers page shows what the
sources offer for the family's ROME codes, soonest first, at most the limit, none
without codes; and the catalogue is a registered source."""

from datetime import UTC, datetime

import pytest

from lib import trainings
from lib.trainings import TrainingItem, TrainingSource


class FakeSource:
    def __init__(self, items):
        self.items = items
        self.calls = []

    def trainings(self, rome_codes, limit):
        self.calls.append((rome_codes, limit))
        return [item for item in self.items if item.summary in rome_codes][:limit]


@pytest.fixture
def only_fake():
    saved = trainings.sources()
    for source in saved:
        trainings.unregister(source.name)
    fake = FakeSource([])
    trainings.register(TrainingSource(name="faux", trainings=fake.trainings, version=lambda: 1))
    yield fake
    trainings.unregister("faux")
    for source in saved:
        trainings.register(source)


def item(title, day, code):
    moment = datetime(2027, 1, day, 9, tzinfo=UTC) if day else None
    return TrainingItem(title=title, url=f"/formation/{title}/", next_session=moment, summary=code)


def test_the_catalogue_is_a_registered_source():
    assert "formation" in [source.name for source in trainings.sources()]


def test_sources_get_the_codes_once_sorted_and_items_come_soonest_first(only_fake):
    only_fake.items = [item("B", 20, "K1302"), item("A", 5, "K1304"), item("C", None, "K1302"), item("D", 1, "G1202")]
    found = trainings.trainings_for(["K1304", "K1302", "K1302"], limit=6)
    assert only_fake.calls == [(["K1302", "K1304"], 6)]
    assert [training.title for training in found] == ["A", "B", "C"]


def test_at_most_the_limit_across_sources(only_fake):
    other = FakeSource([item("Z", 2, "K1302"), item("Y", 3, "K1302")])
    trainings.register(TrainingSource(name="autre", trainings=other.trainings, version=lambda: 2))
    try:
        only_fake.items = [item("A", 1, "K1302"), item("B", 4, "K1302")]
        assert [t.title for t in trainings.trainings_for(["K1302"], limit=3)] == ["A", "Z", "Y"]
        assert trainings.versions() == (("faux", 1), ("autre", 2))
    finally:
        trainings.unregister("autre")


def test_no_codes_asks_no_source(only_fake):
    assert trainings.trainings_for([], limit=6) == []
    assert only_fake.calls == []
