"""The intake's part of « Mon espace » (lib.member_spaces): the orientations a structure
received, with how many wait for an answer."""

from django.urls import reverse

from accueil.models import Orientation
from lib.member_spaces import MemberLink, MemberSpace


def links(user, organisation_ids: list[int]) -> list[MemberLink]:
    if not organisation_ids:
        return []
    waiting = Orientation.objects.filter(organisation_id__in=organisation_ids, status=Orientation.Status.SENT).count()
    return [
        MemberLink(
            "Porteurs de projet orientés vers vous",
            reverse("accueil:partenaire-liste"),
            "Les demandes que la CRESS a orientées vers votre structure : acceptez-les ou déclinez-les, "
            "échangez avec la personne.",
            count=waiting,
            count_label="à traiter",
        )
    ]


SPACE = MemberSpace(name="accueil", order=20, links=links)
