"""« L'ESS et vous »'s part of « Mon espace » (lib.member_spaces): the good-practices
self-assessment, the members' badge, the Prix de l'ESS, and the jury's pages for a juror."""

from django.urls import reverse

from appartenance.models_prix import JuryMember
from lib.member_spaces import MemberLink, MemberSpace


def _jury_links(user) -> list[MemberLink]:
    years = JuryMember.objects.filter(user=user).order_by("-campaign__year").values_list("campaign__year", flat=True)
    return [
        MemberLink(
            f"Jury du Prix de l'ESS {year}",
            reverse("appartenance:prix-jury", args=[year]),
            "Les candidatures à évaluer, vos déclarations de conflit d'intérêts et votre grille.",
        )
        for year in years[:2]
    ]


def links(user, organisation_ids: list[int]) -> list[MemberLink]:
    jury = _jury_links(user)
    if not organisation_ids:
        return jury
    return [
        *jury,
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
        MemberLink(
            "Prix de l'ESS",
            reverse("appartenance:prix"),
            "Candidatez au Prix de l'ESS de la CRESS Réunion et suivez votre candidature.",
        ),
    ]


SPACE = MemberSpace(name="appartenance", order=50, links=links)
