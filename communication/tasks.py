from celery import shared_task

from communication import newsletter


@shared_task(acks_late=True)
def send_newsletter_batch(issue_id: int) -> dict:
    """One batch of an issue; while recipients remain, the next batch is queued."""
    result = newsletter.send_batch(issue_id)
    if result["remaining"]:
        send_newsletter_batch.delay(issue_id)
    return result


@shared_task(acks_late=True)
def resume_stalled_sends() -> int:
    return newsletter.resume_stalled_sends()


@shared_task(acks_late=True)
def purge_unconfirmed_subscriptions() -> int:
    return newsletter.purge_unconfirmed()
