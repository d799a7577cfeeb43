"""The directory's part of « Mon espace » (lib.member_spaces): the entry of each organisation
the person acts for, to keep it up to date."""

from django.urls import reverse

from annuaire.models import Organisation
from lib.member_spaces import MemberLink, MemberSpace


def links(user, organisation_ids: list[int]) -> list[MemberLink]:
    if not organisation_ids:
        return []
    organisations = Organisation.objects.filter(pk__in=organisation_ids).order_by("name").only("name", "slug")
    return [
        MemberLink(
            f"Fiche de l'annuaire : {organisation.name}",
            reverse("annuaire:modifier", args=[organisation.slug]),
            "Tenez à jour la présentation, les coordonnées et les activités de votre structure.",
        )
        for organisation in organisations
    ]


SPACE = MemberSpace(name="annuaire", order=10, links=links)
