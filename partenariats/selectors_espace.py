"""What a partner's member may see in the partner space: the one definition of its scope.

A user acts for the partners whose directory organisation they are a member of
(`annuaire.PartnerMembership`). They see the conventions one of those partners is party to;
in them, the commitments of their own partners and of the CRESS (never a co-party's), the
deliverables of those, the committees and the conversation. Every page and download of the
space looks its object up in these querysets: what is outside answers 404, so that nobody
learns whether it exists. Staff have no special access here: the admin is their place.
"""

from django.db.models import Count, Min, Prefetch, Q, QuerySet

from partenariats.models import (
    Amendment,
    Commitment,
    Committee,
    Convention,
    ConventionMessage,
    Deliverable,
    Partner,
)


def partners_of(user) -> QuerySet[Partner]:
    """The partners this user acts for (one per membership of a partner's organisation)."""
    if not user.is_authenticated:
        return Partner.objects.none()
    return Partner.objects.filter(organisation__memberships__user=user)


def _partner_ids(user):
    return partners_of(user).values("pk")


def conventions_of(user) -> QuerySet[Convention]:
    """The conventions one of the user's partners is party to."""
    parties = Convention.parties.through.objects.filter(partner_id__in=_partner_ids(user))
    return Convention.objects.filter(pk__in=parties.values("convention_id"))


def visible_commitments(user) -> QuerySet[Commitment]:
    """In those conventions, the commitments of the user's partners and of the CRESS."""
    return Commitment.objects.filter(convention__in=conventions_of(user)).filter(
        Q(party__isnull=True) | Q(party_id__in=_partner_ids(user))
    )


def own_commitments(user) -> QuerySet[Commitment]:
    """The commitments the user's partners made: the ones they act on (deliverables, « tenu »)."""
    return Commitment.objects.filter(convention__in=conventions_of(user), party_id__in=_partner_ids(user))


def visible_deliverables(user) -> QuerySet[Deliverable]:
    return Deliverable.objects.filter(commitment__in=visible_commitments(user))


def visible_committees(user) -> QuerySet[Committee]:
    return Committee.objects.filter(convention__in=conventions_of(user))


def visible_amendments(user) -> QuerySet[Amendment]:
    return Amendment.objects.filter(convention__in=conventions_of(user))


def convention_list(user) -> QuerySet[Convention]:
    """The list page's rows: parties, and the user's partners' open commitments (how many,
    the nearest due date), in a constant number of queries."""
    mine = Q(commitments__party_id__in=_partner_ids(user), commitments__status__in=Commitment.OPEN_STATES)
    return (
        conventions_of(user)
        .annotate(
            open_commitments=Count("commitments", filter=mine, distinct=True),
            next_due_date=Min("commitments__due_date", filter=mine),
        )
        .prefetch_related(Prefetch("parties", queryset=Partner.objects.select_related("organisation")))
        .order_by("end_date", "reference")
    )


def convention_page(user, pk: int) -> Convention | None:
    """One convention of the user's scope, with what its page shows, or None."""
    visible = visible_commitments(user).filter(convention_id=pk)
    return (
        conventions_of(user)
        .filter(pk=pk)
        .prefetch_related(
            Prefetch("parties", queryset=Partner.objects.select_related("organisation")),
            "amendments",
            Prefetch(
                "commitments",
                queryset=visible.select_related("party__organisation").prefetch_related("deliverables"),
                to_attr="visible_commitments",
            ),
            Prefetch("committees", queryset=Committee.objects.order_by("-held_at")),
            Prefetch(
                "messages",
                queryset=ConventionMessage.objects.select_related("author", "partner__organisation"),
                to_attr="conversation",
            ),
        )
        .first()
    )


def commitment_page(user, pk: int) -> Commitment | None:
    """One commitment of the user's partners, with its convention, deliverables and log."""
    return (
        own_commitments(user)
        .filter(pk=pk)
        .select_related("convention", "party__organisation")
        .prefetch_related("deliverables", "transitions")
        .first()
    )
