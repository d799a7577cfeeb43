"""The demo's buyers' needs and experiments (seed_demo calls seed_needs and seed_experiments):
a need in every state, brought there by the services (logs, emails, timestamps), the funnel
of the need sent, the survey of the need closed; two public experiments; twice the same."""

import pytest
from django.urls import reverse

from experimentations.demo_purchasing import DEMO_NEEDS, seed_experiments, seed_needs
from experimentations.models import (
    Experiment,
    ExperimentDocument,
    ExperimentIndicator,
    ExperimentMeasure,
    ExperimentTransition,
    Need,
    NeedTransition,
    SupplierMatch,
)
from messagerie.models import OutgoingEmail
from tests.comptes.factories import StaffFactory

pytestmark = pytest.mark.django_db

MODELS = (Need, NeedTransition, SupplierMatch, Experiment, ExperimentTransition, ExperimentIndicator,
          ExperimentMeasure, ExperimentDocument, OutgoingEmail)  # fmt: skip


def counts() -> dict:
    return {model.__name__: model.objects.count() for model in MODELS}


def test_a_need_in_every_state_through_the_services_and_idempotent():
    staff = StaffFactory(role="Partenariats", email="partenariats@demo.ess-reunion.re")
    seed_needs(by=staff)
    assert set(Need.objects.values_list("status", flat=True)) == set(Need.Status.values)
    assert Need.objects.count() == len(DEMO_NEEDS)
    for need in Need.objects.exclude(status=Need.Status.DRAFT):
        # Every state reached by the workflow, one log row per step, staff's steps signed.
        assert need.transitions.exists() and need.submitted_at is not None
    assert NeedTransition.objects.filter(to_state="valide", by=staff).count() == 3
    refused = Need.objects.get(status=Need.Status.REFUSED)
    assert refused.refusal_reason and refused.transitions.filter(to_state="refuse", by=staff).exists()
    assert Need.objects.get(status=Need.Status.CHANGES).changes_requested

    sent = Need.objects.get(status=Need.Status.SENT)
    assert sent.sent_at is not None and sent.is_inspiring
    funnel = sent.matches.filter(emailed_at__isnull=False)
    assert funnel.count() == 5
    assert funnel.filter(opened_at__isnull=False).count() == 4
    assert funnel.filter(viewed_at__isnull=False).count() == 3
    interested = funnel.get(answer=SupplierMatch.Answer.INTERESTED)
    assert interested.contact_shared_at and interested.message
    assert funnel.get(answer=SupplierMatch.Answer.NOT_INTERESTED).not_interested_reason
    assert all(match.emailed_at <= match.answered_at for match in funnel.exclude(answer=""))
    emailed = set(OutgoingEmail.objects.filter(kind="experimentations/fournisseur_besoin").values_list("to", flat=True))
    assert set(funnel.values_list("email", flat=True)) <= emailed

    closed = Need.objects.get(status=Need.Status.CLOSED)
    assert closed.deal_made is True and closed.deal_amount == 18_500 and closed.survey_answered_at
    assert OutgoingEmail.objects.filter(kind="experimentations/besoin_enquete", to=closed.contact_email).exists()
    assert closed.matches.filter(answer=SupplierMatch.Answer.INTERESTED).exists()

    before = counts()
    seed_needs(by=staff)
    assert counts() == before


def test_two_public_experiments_with_indicators_measures_and_a_document(client):
    seed_experiments()
    trial = Experiment.objects.get(stage=Experiment.Stage.TRIAL)
    spreading = Experiment.objects.get(stage=Experiment.Stage.SPREADING)
    assert trial.is_public and spreading.is_public
    assert list(spreading.transitions.values_list("to_state", flat=True).order_by("pk")) == [
        "etude",
        "experimentation",
        "evaluation",
        "essaimage",
    ]
    assert trial.indicators.count() == 3
    assert ExperimentMeasure.objects.filter(indicator__experiment=trial).count() == 9
    document = trial.documents.get()
    assert document.is_public and document.file.read(4) == b"%PDF"
    page = client.get(reverse("experimentations:experiment", args=[trial.slug]))
    assert page.status_code == 200 and "Repas servis" in page.content.decode()
    before = counts()
    seed_experiments()
    assert counts() == before
