"""Demo members with badges (issue 20, point 8), for `manage.py seed_demo`: among the
organisations given (the first one is the demo partner's), members of this year (fee paid
or waived), members of last year only (their badge reads « échu »), one whose ESS status
staff verified without membership, and one whose badge was revoked once (its first address
answers « révoqué », its new one is valid). Idempotent: a membership is matched on its
organisation and year, and the revocation happens only on the first run."""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from appartenance.badges import current_badges, revoke_badge
from appartenance.memberships import change_membership_state
from appartenance.models_badges import BadgeKey, EssVerification, Membership, MembershipState

FEE = Decimal("120.00")


def _membership(organisation, year: int, state: str) -> None:
    """The membership recorded « à régler », then moved by the workflow (its log says so)."""
    membership, created = Membership.objects.get_or_create(organisation=organisation, year=year)
    if not created or state == MembershipState.PENDING:
        return
    if state == MembershipState.PAID:
        membership.fee_amount, membership.fee_paid_on = FEE, date(year, 2, 15)
        membership.save(update_fields=["fee_amount", "fee_paid_on"])
    change_membership_state(membership=membership, target=state, comment="Données de démonstration.")


@transaction.atomic
def seed_badges(*, organisations) -> dict:
    organisations = list(organisations)
    if len(organisations) < 8:
        raise ValueError("Il faut au moins huit structures pour les badges de démonstration.")
    year = timezone.localdate().year
    this_year, last_year_only = organisations[:4], organisations[4:6]
    verified, revoked = organisations[6], organisations[7]
    for index, organisation in enumerate(this_year):
        _membership(organisation, year - 1, MembershipState.PAID)
        _membership(organisation, year, MembershipState.WAIVED if index == 3 else MembershipState.PAID)
    for organisation in last_year_only:
        _membership(organisation, year - 1, MembershipState.PAID)
        _membership(organisation, year, MembershipState.PENDING)  # the call for this year's fee
    EssVerification.objects.get_or_create(
        organisation=verified, defaults={"note": "Statuts de SCIC et agrément ESUS vus par la CRESS."}
    )
    _membership(revoked, year, MembershipState.PAID)
    if not BadgeKey.objects.filter(organisation=revoked).exists():
        revoke_badge(organisation=revoked, by=None)
    badges = current_badges(organisations)
    return {
        "adhésions": Membership.objects.filter(organisation__in=organisations).count(),
        "badges": {organisation.name: badges[organisation.pk].state.label for organisation in organisations[:8]},
    }
