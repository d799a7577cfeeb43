"""The job board's part of « Mon espace » (lib.member_spaces): the organisation's offers and
the applications they received."""

from django.urls import reverse

from lib.member_spaces import MemberLink, MemberSpace


def links(user, organisation_ids: list[int]) -> list[MemberLink]:
    if not organisation_ids:
        return []
    return [
        MemberLink(
            "Offres d'emploi et de bénévolat",
            reverse("emplois:employer"),
            "Publiez vos offres et missions, suivez les candidatures reçues.",
        )
    ]


SPACE = MemberSpace(name="emplois", order=40, links=links)
