"""HR requests and trainings made through the real services, for the tests of HR support
and of the quality dashboard."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from django.utils.text import slugify

from formation import hr
from formation.models import Training
from messagerie.links import issue_token


def make_training(*, title="Recruter son premier salarié", slug=None, **values) -> Training:
    return Training.objects.create(
        title=title,
        slug=slug or slugify(title),
        theme=values.pop("theme", "rh"),
        audiences=values.pop("audiences", ["employeurs"]),
        summary=values.pop("summary", "Les étapes d'un premier recrutement dans une structure de l'ESS."),
        objectives="Définir le poste\nChoisir le contrat",
        programme="<p>Matin : le poste. Après-midi : le contrat.</p>",
        duration_hours=Decimal("7"),
        modality="presentiel",
        status=values.pop("status", Training.Status.PUBLISHED),
        **values,
    )


def make_hr_request(*, email="rh@kaz-initiatives.re", organisation=None, **values):
    """A request filed through the real service; returns (request, a follow-up token of its
    own: the one in the acknowledgement email is minted only when that email is sent)."""
    data = {
        "organisation": organisation,
        "organisation_name": organisation.name if organisation else "Association Ti Kaz",
        "headcount": 12,
        "contact_name": "Josiane Hoarau",
        "email": email,
        "phone": "",
        "need": "contrats",
        "description": "Nous voulons transformer un CDD en CDI : quelles étapes ?",
        **values,
    }
    hr_request = hr.submit_hr_request(values=data)
    expires_at = timezone.now() + timedelta(days=1)
    return hr_request, issue_token(purpose=hr.HR_LINK, object_id=hr_request.pk, expires_at=expires_at)
