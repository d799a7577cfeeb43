"""Everything the outbox can hold about one person: an email sent to them, one still
waiting (with a private link's placeholder, never its token), and an email to a structure
that gives their name and address."""

from django.db import transaction
from django.utils import timezone

from messagerie.models import OutgoingEmail
from messagerie.services import deliver_email, queue_email


def make_person(email, first_name, last_name) -> None:
    with transaction.atomic():
        sent = queue_email(to=email, template="messagerie/essai", context={"name": f"{first_name} {last_name}"})
    deliver_email(email_id=sent.pk)
    queue_email(to=email.upper(), template="messagerie/essai", context={"name": first_name})
    OutgoingEmail.objects.create(
        to=f"structure-de-{email.split('@')[0]}@partenaire.exemple",
        subject="Une demande de gestion de votre fiche",
        body_text=f"{first_name} {last_name} ({email}) demande à gérer la fiche de votre structure.",
        kind="annuaire/revendication_confirmation",
        status=OutgoingEmail.Status.SENT,
        sent_at=timezone.now(),
    )
