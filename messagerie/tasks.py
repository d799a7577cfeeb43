from celery import shared_task

from messagerie import links, services


@shared_task(
    acks_late=True,
    autoretry_for=(services.DeliveryError,),
    retry_backoff=30,
    retry_backoff_max=900,
    retry_jitter=True,
    max_retries=5,
)
def send_outgoing_email(email_id: int) -> bool:
    return services.deliver_email(email_id=email_id)


@shared_task(acks_late=True)
def sweep_outbox() -> int:
    return services.sweep_outbox()


@shared_task(acks_late=True)
def purge_sent_emails() -> int:
    return services.purge_sent_emails()


@shared_task(acks_late=True)
def purge_expired_links() -> int:
    return links.purge_expired_tokens()
