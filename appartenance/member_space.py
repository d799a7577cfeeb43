"""« L'ESS et vous »'s part of « Mon espace » (lib.member_spaces): the good-practices
self-assessment and the members' badge."""

from django.urls import reverse

from lib.member_spaces import MemberLink, MemberSpace


def links(user, organisation_ids: list[int]) -> list[MemberLink]:
    if not organisation_ids:
        return []
    return [
        MemberLink(
            "Guide des bonnes pratiques",
            reverse("appartenance:guide"),
            "Évaluez vos pratiques sur les huit thèmes du guide, à plusieurs, et suivez vos actions d'amélioration.",
        ),
        MemberLink(
            "Badge « Entreprise de l'ESS »",
            reverse("appartenance:badges-membre"),
            "Le badge de votre structure, à afficher sur votre site et dans vos courriels, avec sa page de "
            "vérification.",
        ),
    ]


SPACE = MemberSpace(name="appartenance", order=50, links=links)
