from celery import shared_task

from annuaire import contributions, services


@shared_task(acks_late=True)
def purge_processed_requests() -> int:
    return contributions.purge_processed_requests()


@shared_task(acks_late=True)
def rebuild_search_lexicon() -> int:
    return services.rebuild_search_lexicon()
