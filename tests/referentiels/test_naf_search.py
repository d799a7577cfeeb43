"""Finding a NAF activity by the words of its label or by its code as people type it."""

import pytest
from django.urls import reverse

from referentiels.selectors import search_naf_activities
from tests.comptes.factories import StaffFactory
from tests.helpers.auth import login_verified

pytestmark = pytest.mark.django_db


def codes(text):
    return sorted(search_naf_activities(text).values_list("code", flat=True))


@pytest.mark.parametrize("typed", ["88.99", "8899", "88 99", "88.99 ", "Q 88.99", "q8899"])
def test_a_class_is_found_by_its_code_without_its_letters(typed):
    assert codes(typed) == ["88.99A", "88.99B"]


def test_a_code_narrows_as_it_is_typed():
    assert codes("88.99b") == codes("8899B") == ["88.99B"]
    assert codes("88.1") == ["88.10A", "88.10B", "88.10C"]
    assert set(codes("88")) == set(codes("88.1")) | {"88.91A", "88.91B", "88.99A", "88.99B"}


@pytest.mark.parametrize("typed", ["aide à domicile", "AIDE A DOMICILE", "domicile aide", "  aide   domicile "])
def test_an_activity_is_found_by_the_words_of_its_label_accents_ignored(typed):
    assert "88.10A" in codes(typed)
    assert "88.10C" not in codes(typed), "every word must be in the label"


def test_words_match_accented_labels_and_nothing_is_found_for_nonsense():
    assert "88.99B" in codes("hebergement action sociale")
    assert codes("zzzyx") == []
    assert len(codes("")) == 732


def test_the_admin_type_ahead_uses_the_same_search(client):
    login_verified(client, StaffFactory(is_superuser=True))
    address = reverse("admin:autocomplete")
    field = "?app_label=annuaire&model_name=organisation&field_name=naf_activity&term="
    for typed, expected in [("8899", "88.99B"), ("aide a domicile", "88.10A")]:
        response = client.get(address + field + typed)
        assert response.status_code == 200
        assert expected in {row["text"].split(" ")[0] for row in response.json()["results"]}
    listed = client.get(reverse("admin:referentiels_nafactivity_changelist") + "?q=8899").content.decode()
    assert "88.99B" in listed and "88.10A" not in listed
