"""The intake's block on the territory pages: requests received and orientations sent for
projects held in the territory, per year over three years, counts only, and never a count
of 1 or 2, nor one that gives it away by difference (« s »), so that nobody can be
recognised in a small commune."""

import html
import re

import pytest
from django.template.loader import render_to_string
from django.test import TestCase
from django.utils import timezone

from accueil import services
from accueil.models import IntakeRequest
from accueil.orientation import orient
from accueil.territory_block import BLOCK, territory_intake
from lib.territory_blocks import EXPIRES_AT
from referentiels.models import Territory, TerritoryKind
from tests.accueil.factories import commune, make_request
from tests.annuaire.factories import OrganisationFactory
from tests.comptes.factories import StaffFactory

pytestmark = pytest.mark.django_db


def rows(territory) -> dict[str, tuple[str, str]]:
    context = territory_intake(territory)
    assert "empty" not in context, context["empty"]
    block = html.unescape(render_to_string(BLOCK.template, context))
    found = re.findall(r'<th scope="row" class="fw-normal">(\d{4})[^<]*(?:<span[^>]*>[^<]*</span>)?</th>'
                       r'<td class="num">([^<]+)</td><td class="num">([^<]+)</td>', block)  # fmt: skip
    return {year: (received, oriented) for year, received, oriented in found}


def requests_in(code: str, count: int, *, years_ago: int = 0, title="Projet") -> list[IntakeRequest]:
    made = []
    for n in range(count):
        intake, _token = make_request(
            email=f"porteur{code}{years_ago}{n}@exemple.re", activity_commune=commune(code), title=f"{title} {n}"
        )
        if years_ago:
            moved = intake.created_at.replace(year=intake.created_at.year - years_ago)
            IntakeRequest.objects.filter(pk=intake.pk).update(created_at=moved)
        made.append(intake)
    return made


def test_counts_below_three_are_never_shown_nor_recoverable_from_the_totals():
    year = timezone.localdate().year
    requests_in("97411", 4)
    requests_in("97411", 2, years_ago=1)
    requests_in("97411", 3, years_ago=2)
    requests_in("97411", 5, years_ago=3)  # older than the three years shown
    requests_in("97418", 1)  # Sainte-Marie, same intercommunality
    saint_denis, sainte_marie = commune("97411"), commune("97418")
    # The CINOR's 5 is published: Saint-Denis's 4 beside it would give Sainte-Marie's 1 away.
    assert rows(saint_denis) == {str(year): ("s", "0"), str(year - 1): ("s", "0"), str(year - 2): ("3", "0")}
    assert rows(sainte_marie)[str(year)] == ("s", "0")
    assert "empty" in territory_intake(commune("97420"))  # Sainte-Suzanne: a true zero, said so
    assert rows(saint_denis.parent)[str(year)] == ("5", "0")
    assert rows(saint_denis.arrondissement)[str(year)] == ("5", "0")
    assert rows(Territory.objects.get(kind=TerritoryKind.REGION))[str(year - 1)] == ("s", "0")
    text = html.unescape(render_to_string(BLOCK.template, territory_intake(saint_denis)))
    assert "« s » : chiffre non diffusé" in text.replace("\xa0", " ")


def test_a_commune_with_no_small_neighbour_shows_its_figures():
    year = timezone.localdate().year
    requests_in("97411", 4)
    requests_in("97418", 3)
    assert rows(commune("97411"))[str(year)] == ("4", "0")
    assert rows(commune("97418"))[str(year)] == ("3", "0")
    assert "non diffusé" not in render_to_string(BLOCK.template, territory_intake(commune("97411")))


def test_orientations_sent_are_counted_by_the_year_they_were_sent_and_duplicates_left_out():
    year = timezone.localdate().year
    staff = StaffFactory(role="Accueil")
    structures = [OrganisationFactory(email=f"contact{n}@structure.re") for n in range(2)]
    for intake in requests_in("97416", 3):
        orient(intake=intake, organisations=structures, by=staff)
    (duplicate,) = requests_in("97416", 1)
    services.transition_request(intake=duplicate, target=IntakeRequest.Status.DUPLICATE, by=staff)
    assert rows(commune("97416"))[str(year)] == ("3", "6")


def test_no_personal_data_leaves_with_the_block():
    requests_in("97411", 3, title="Épicerie de Mme Grondin")
    context = territory_intake(commune("97411"))
    block = render_to_string(BLOCK.template, context)
    for secret in ("Grondin", "Céline", "Dijoux", "exemple.re", "Épicerie"):
        assert secret not in block


def test_a_territory_without_requests_says_so_and_the_window_moves_on_new_year():
    context = territory_intake(commune("97424"))
    assert context["empty"].startswith("Aucune demande d'accompagnement")
    next_year = timezone.localdate().year + 1
    assert timezone.localtime(context[EXPIRES_AT]).date().isoformat() == f"{next_year}-01-01"


def test_a_committed_request_or_orientation_changes_the_version():
    before = BLOCK.version()
    with TestCase.captureOnCommitCallbacks(execute=True):
        requests_in("97411", 1)
    assert BLOCK.version() != before
