"""Buyers' needs made through the real services, for the tests of responsible purchasing."""

from datetime import timedelta

from django.utils import timezone

from experimentations import needs
from experimentations.models import Need, NeedKind, SupplierMatch
from messagerie.links import issue_token
from referentiels.models import NafSection, Territory, TerritoryKind
from tests.annuaire.factories import OrganisationFactory


def commune(code="97411"):
    return Territory.objects.get(kind=TerritoryKind.COMMUNE, code=code)


def need_values(**values) -> dict:
    data = {
        "buyer_kind": "collectivite",
        "buyer_name": "Commune de Saint-Paul",
        "contact_name": "Mireille Grondin",
        "contact_email": "achats@saint-paul.re",
        "contact_phone": "0262 45 67 89",
        "kind": NeedKind.QUOTE,
        "title": "Entretien des espaces verts des écoles",
        "description": "<p>Tonte et taille dans douze écoles, deux passages par mois.</p>",
        "commune": commune(),
        "budget_min": 20000,
        "budget_max": 40000,
        "starts_on": None,
        "ends_on": None,
        "answer_deadline": timezone.now() + timedelta(days=30),
        "clauses": ["insertion"],
        "clauses_detail": "",
        "how_to_answer": "Un devis par courriel avant la date limite.",
        "wanted_answers": 3,
    }
    data.update(values)
    return data


def make_need(*, status=None, submit=True, user=None, sectors=("N",), **values) -> tuple[Need, str]:
    """A need posted through the real service (then moved to `status` through the workflow);
    returns (need, a buyer token of its own: the one in the email is minted when it leaves)."""
    need = needs.post_need(
        values=need_values(**values),
        sectors=NafSection.objects.filter(code__in=sectors),
        territories=[],
        submit=submit,
        user=user,
    )
    path = {
        None: [],
        Need.Status.VALIDATED: ["valide"],
        Need.Status.CHANGES: ["modification"],
        Need.Status.REFUSED: ["refuse"],
        Need.Status.SENT: ["valide", "envoye"],
        Need.Status.CLOSED: ["valide", "envoye", "clos"],
    }[status]
    for target in path:
        needs.move_need(need=need, target=target, by=None, comment="Motif de test.")
    return need, buyer_token(need)


def buyer_token(need: Need, *, days: int = 1) -> str:
    return issue_token(purpose=needs.NEED_LINK, object_id=need.pk, expires_at=timezone.now() + timedelta(days=days))


def make_answer(need: Need, *, name="Jardins de l'Ouest", interested=True, shared=True, **values) -> SupplierMatch:
    now = timezone.now()
    organisation = OrganisationFactory(name=name, email=values.pop("email", "contact@jardins-ouest.re"))
    return SupplierMatch.objects.create(
        need=need,
        organisation=organisation,
        email=organisation.email,
        emailed_at=now,
        opened_at=now,
        viewed_at=now,
        answer=SupplierMatch.Answer.INTERESTED if interested else SupplierMatch.Answer.NOT_INTERESTED,
        not_interested_reason="" if interested else SupplierMatch.NotInterestedReason.TOO_FAR,
        message="Nous entretenons déjà trois écoles à Saint-Paul." if interested else "",
        answered_at=now,
        contact_shared_at=now if interested and shared else None,
        **values,
    )
