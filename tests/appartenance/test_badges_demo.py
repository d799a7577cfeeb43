"""The demo's members with badges: this year, last year only, verified, one revoked; twice the same."""

import pytest
from django.utils import timezone

from appartenance.badges import BadgeState, badge_for_token, badge_token, current_badges
from appartenance.demo_badges import seed_badges
from appartenance.models_badges import BadgeKey, EssVerification, Membership
from tests.annuaire.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def counts():
    return {model.__name__: model.objects.count() for model in (Membership, EssVerification, BadgeKey)}


def test_the_demo_badges_cover_every_state_and_a_second_run_changes_nothing():
    organisations = [OrganisationFactory() for _ in range(10)]
    report = seed_badges(organisations=organisations)
    badges = current_badges(organisations)
    states = [badges[o.pk].state if badges[o.pk] else None for o in organisations]
    assert states[:8] == [BadgeState.VALID] * 4 + [BadgeState.EXPIRED] * 2 + [BadgeState.VALID] * 2
    assert states[8:] == [None, None]
    assert badges[organisations[0].pk].year == timezone.localdate().year
    assert badges[organisations[6].pk].year is None  # verified, not a member
    revoked = organisations[7]
    assert badge_for_token(badge_token(revoked.pk, 1)).state == BadgeState.REVOKED
    assert report["adhésions"] == Membership.objects.count()
    before = counts()
    seed_badges(organisations=organisations)
    assert counts() == before
    assert BadgeKey.objects.get(organisation=revoked).version == 2
