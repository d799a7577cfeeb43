from cress.celery import app


def test_every_periodic_job_names_a_registered_task():
    app.loader.import_default_modules()
    registered = set(app.tasks)
    for name, entry in app.conf.beat_schedule.items():
        assert entry["task"] in registered, name


def test_tasks_acknowledge_late_with_bounded_retries():
    app.loader.import_default_modules()
    send = app.tasks["messagerie.tasks.send_outgoing_email"]
    assert send.acks_late is True
    assert send.max_retries == 5
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
