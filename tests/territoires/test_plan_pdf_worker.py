"""A real Celery worker builds the PDF summary that the plan's page asked for."""

import pytest
from django.urls import reverse

from tests.territoires.factories import sample_plan

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_worker_builds_the_summary_asked_for_by_the_plan_page(client, celery_worker_process):
    plan = sample_plan()
    assert client.get(reverse("territoires:plan", args=[plan.slug])).status_code == 200
    celery_worker_process.wait_until_idle(tasks=1, timeout=120)
    response = client.get(reverse("territoires:plan-pdf", args=[plan.slug]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")
    # Asked for once: another visit of the page finds it built and asks for nothing.
    client.get(reverse("territoires:plan", args=[plan.slug]))
    assert len(celery_worker_process.task_events()) == 1
