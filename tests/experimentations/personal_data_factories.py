"""Everything Action 7 can hold about one person (for the personal-data tests): an alert on
financial tools and what it was sent, a purchasing need they posted (validated, sent, with
a supplier's answer and the survey answered), and their own answer as a supplier to another
buyer's need.

The person's account is not made here (comptes' part): when one exists with that address,
the need is posted from it.
"""

import hashlib
import itertools
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from experimentations import needs
from experimentations.models import AlertDelivery, Need, SupplierMatch, ToolAlert
from lib.tokens import new_token
from referentiels.models import NafSection
from tests.experimentations.factories import make_answer, make_call, make_need, need_values

_numbers = itertools.count(1)


def phone_of(email: str) -> str:
    digits = int(hashlib.sha256(email.encode()).hexdigest(), 16) % 10**6
    return f"0262 {digits // 10000:02d} {digits // 100 % 100:02d} {digits % 100:02d}"


def make_person(email: str, first_name: str, last_name: str) -> None:
    full_name = f"{first_name} {last_name}"
    number = next(_numbers)
    now = timezone.now()
    # An alert that follows one call for projects, sent its 30-day reminder.
    call = make_call(name=f"Appel à projets solidaires n°{number}", closes_in=timedelta(days=25))
    alert = ToolAlert.objects.create(
        email=email,
        query="instrument=subvention",
        label="Financements : subventions",
        tool=call,
        frequency=ToolAlert.Frequency.WEEKLY,
        token_hash=new_token()[1],
        consent_text="J'accepte de recevoir ces alertes.",
        consent_at=now,
        confirmed_at=now,
        watermark=now,
    )
    AlertDelivery.objects.create(alert=alert, tool=call, kind=AlertDelivery.Kind.DEADLINE_30)
    # As a buyer: a need posted through the service, validated, sent, answered, surveyed.
    account = get_user_model().objects.filter(email__iexact=email).first()
    need = needs.post_need(
        values=need_values(
            buyer_name="Commune de Saint-Paul",
            contact_name=full_name,
            contact_email=email,
            contact_phone=phone_of(email),
            title="Repas du restaurant scolaire en circuit court",
            how_to_answer=f"Un devis à {email} ou au {phone_of(email)}, à l'attention de {full_name}.",
        ),
        sectors=NafSection.objects.filter(code__in=["I"]),
        territories=[],
        submit=True,
        user=account,
    )
    needs.move_need(need=need, target=Need.Status.VALIDATED, by=None, comment=f"Merci {first_name}, c'est clair.")
    needs.move_need(need=need, target=Need.Status.SENT, by=None, comment="")
    received = make_answer(need, name=f"Cuisine solidaire n°{number}", email=f"cuisine{number}@solidaire.example.re")
    _say(received, f"Bonjour {full_name}, nous livrons déjà deux écoles.")
    Need.objects.filter(pk=need.pk).update(
        survey_sent_at=now, survey_answered_at=now, deal_made=True, deal_amount=12000, deal_comment="Marché conclu."
    )
    # As a supplier: their answer to another buyer's need.
    other_need = make_need(status=Need.Status.SENT, title="Nettoyage des locaux")
    answer = make_answer(other_need, name=f"Nettoyage coopératif n°{number}", email=email)
    _say(answer, f"Nous sommes disponibles, appelez-moi au {phone_of(email)}.")


def _say(match: SupplierMatch, message: str) -> None:
    SupplierMatch.objects.filter(pk=match.pk).update(message=message, token_hash=new_token()[1])
