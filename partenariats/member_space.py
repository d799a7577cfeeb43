"""The partnerships' part of « Mon espace » (lib.member_spaces): the conventions one of the
person's partners is party to, when there are some."""

from django.urls import reverse

from lib.member_spaces import MemberLink, MemberSpace
from partenariats.selectors_espace import conventions_of


def links(user, organisation_ids: list[int]) -> list[MemberLink]:
    if not organisation_ids or not conventions_of(user).exists():
        return []
    return [
        MemberLink(
            "Conventions de partenariat",
            reverse("partenariats:espace"),
            "Vos conventions avec la CRESS : engagements, livrables, comités et avenants.",
        )
    ]


SPACE = MemberSpace(name="partenariats", order=30, links=links)
