"""The satisfaction surveys (Qualiopi): « à chaud » after a session, « à froid » two months
later. A person marked present answers each once; the emails that ask are in
formation/schedule.py, the pages in formation/views_survey.py."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from formation.models import Registration, SurveyResponse
from lib.dates import french_date


class SurveyError(Exception):
    """An answer refused for a reason the person can read (in French)."""


def existing_answer(*, registration: Registration, kind: str) -> SurveyResponse | None:
    return SurveyResponse.objects.filter(registration=registration, kind=kind).first()


def already_answered_message(answer: SurveyResponse) -> str:
    return (
        f"Vous avez déjà répondu à ce questionnaire le {french_date(timezone.localtime(answer.answered_at))} : "
        "une seule réponse est enregistrée par personne. Merci pour votre participation !"
    )


def answer_survey(
    *,
    registration: Registration,
    kind: str,
    satisfaction: int,
    objectives_met: int,
    applied_at_work: bool | None = None,
    comment: str = "",
) -> SurveyResponse:
    """Record a person's answer to the survey `kind`. Refused (SurveyError) for a person not
    marked present, or a second time: the database keeps one answer per registration and kind."""
    if registration.status != Registration.Status.PRESENT or registration.anonymised_at:
        raise SurveyError("Ce questionnaire est réservé aux personnes présentes à la session.")
    answer = SurveyResponse(
        registration=registration,
        kind=kind,
        satisfaction=satisfaction,
        objectives_met=objectives_met,
        applied_at_work=applied_at_work if kind == SurveyResponse.Kind.COLD else None,
        comment=comment.strip(),
    )
    answer.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            answer.save()
    except IntegrityError:
        earlier = existing_answer(registration=registration, kind=kind)
        if earlier is None:
            raise
        raise SurveyError(already_answered_message(earlier)) from None
    return answer
