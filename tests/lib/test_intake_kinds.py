"""The intake-kinds registry's contract, with a fake kind: the intake's form offers it
after its own needs, staff read its label and guidance, the triage ranks its partners'
category; the kinds emplois registers never collide with the intake's own needs."""

import pytest

from accueil.forms import NeedForm
from accueil.models import IntakeRequest, Need, need_choices
from lib import intake_kinds
from lib.intake_kinds import IntakeKind

FAKE = IntakeKind(
    value="faux_besoin",
    label="Un besoin d'ailleurs",
    help_text="pour vérifier le registre.",
    partner_categories=frozenset({"categorie-fausse"}),
    partner_names=("Structure A", "Structure B"),
)


@pytest.fixture
def with_fake():
    intake_kinds.register_intake_kind(FAKE)
    yield FAKE
    intake_kinds.unregister_intake_kind(FAKE.value)


def test_the_registered_kinds_are_not_the_intakes_own_needs():
    values = [kind.value for kind in intake_kinds.kinds()]
    assert {"travailler_ess", "carriere_ess"} <= set(values)
    assert not set(values) & set(Need.values)


def test_the_form_offers_a_registered_kind_after_the_intakes_needs(with_fake):
    form = NeedForm({"needs": ["emploi", "faux_besoin"]})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["needs"] == ["emploi", "faux_besoin"]
    assert list(form.fields["needs"].choices)[: len(Need.choices)] == list(Need.choices)
    assert ("faux_besoin", "Un besoin d'ailleurs") in form.fields["needs"].choices
    assert "pour vérifier le registre." in str(form.fields["needs"].help_text)
    assert dict(form.review())["De quoi avez-vous besoin ?"] == "Emploi, Un besoin d'ailleurs"


def test_an_unregistered_kind_is_refused_by_the_form():
    form = NeedForm({"needs": ["faux_besoin"]})
    assert not form.is_valid()


def test_labels_and_categories(with_fake):
    assert ("faux_besoin", "Un besoin d'ailleurs") in need_choices()
    intake = IntakeRequest(needs=["formation", "faux_besoin"])
    assert intake.get_needs_display() == ["Formation", "Un besoin d'ailleurs"]
    assert intake_kinds.kinds_in(intake.needs) == [FAKE]
    assert intake_kinds.partner_categories(intake.needs) == {"categorie-fausse"}
    assert intake_kinds.partner_categories(["formation"]) == set()
