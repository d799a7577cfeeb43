"""Places under real concurrency: threads, each with its own PostgreSQL connection and its
own transactions, released together at a barrier (transaction=True tests: nothing is
wrapped in one test transaction)."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from formation import registrations
from formation.models import Registration
from tests.formation.factories_registration import fill, make_session, person

pytestmark = pytest.mark.django_db(transaction=True)

S = Registration.Status


def run_together(*calls):
    """Run each call in its own thread and connection, all released at once. Returns
    (results, errors) in the calls' order."""
    barrier = threading.Barrier(len(calls))
    results, errors = [None] * len(calls), [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except Exception as error:  # reported to the test
            errors[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck (deadlock?)"
    return results, errors


def holding(session) -> int:
    return Registration.objects.filter(session=session, status__in=Registration.HOLDING).count()


def register_call(session, number):
    return lambda: registrations.register_person(session=session, person=person(number), consent_text="ok")


def test_never_more_registrations_than_places_and_the_waiting_list_in_order():
    session = make_session(capacity=25)
    before = [r.pk for r in fill(session, 20)]  # the last 5 places
    _results, errors = run_together(*(register_call(session, number) for number in range(30)))
    assert errors == [None] * 30
    assert holding(session) == 25
    newcomers = Registration.objects.filter(session=session).exclude(pk__in=before)
    assert newcomers.filter(status=S.REGISTERED).count() == 5
    waiting = list(registrations.waiting_list(session))
    assert len(waiting) == 25, "the 25 others wait"
    # The list's order is the order the lock was granted: each waiting person came after
    # every person who got a place, and waiting_since follows the rows' order of writing.
    assert [r.pk for r in waiting] == sorted(r.pk for r in waiting)
    assert [r.waiting_since for r in waiting] == sorted(r.waiting_since for r in waiting)
    last_place = newcomers.filter(status=S.REGISTERED).order_by("-created_at").first()
    assert all(r.waiting_since >= last_place.created_at for r in waiting)


def test_a_cancellation_frees_exactly_one_place_while_others_register():
    session = make_session(capacity=5)
    holders = fill(session, 5)
    first_waiting = registrations.register_person(session=session, person=person(900), consent_text="ok")
    calls = [lambda: registrations.cancel_registration(holders[0])]
    calls += [register_call(session, number) for number in range(8)]
    _results, errors = run_together(*calls)
    assert errors == [None] * 9
    assert holding(session) == 5
    first_waiting.refresh_from_db()
    assert first_waiting.status == S.OFFERED, "the place went to the first person waiting, not to a newcomer"
    assert Registration.objects.filter(session=session, status=S.OFFERED).count() == 1
    newcomers = Registration.objects.filter(session=session, email__regex=r"^personne[0-7]@")
    assert newcomers.filter(status=S.WAITING).count() == 8


def test_a_double_cancellation_frees_one_place_only():
    session = make_session(capacity=2)
    holders = fill(session, 2)
    waiting = [registrations.register_person(session=session, person=person(n), consent_text="ok") for n in range(3)]
    _results, errors = run_together(*(lambda: registrations.cancel_registration(holders[0]) for _ in range(4)))
    assert sum(error is None for error in errors) == 1
    assert all(isinstance(error, registrations.RegistrationError) for error in errors if error is not None)
    assert [Registration.objects.get(pk=r.pk).status for r in waiting] == [S.OFFERED, S.WAITING, S.WAITING]
    assert holding(session) == 2


def test_an_expiring_offer_passes_to_the_next_person_once_whatever_runs_at_the_same_time():
    session = make_session(capacity=3)
    holders = fill(session, 3)
    first, second, third = (
        registrations.register_person(session=session, person=person(n), consent_text="ok") for n in range(3)
    )
    registrations.cancel_registration(holders[0])
    Registration.objects.filter(pk=first.pk).update(offer_expires_at=timezone.now() - timedelta(seconds=1))
    first.refresh_from_db()

    def accept_late():
        return registrations.accept_offer(first)

    # Two sweeps (two beat ticks on two workers), the person clicking too late, and a
    # newcomer, all at once.
    results, errors = run_together(
        registrations.expire_offers, registrations.expire_offers, accept_late, register_call(session, 50)
    )
    assert errors[0] is None and errors[1] is None and errors[3] is None
    assert isinstance(errors[2], registrations.RegistrationError)
    assert sorted(result["expired"] for result in results[:2]) == [0, 1]
    assert sorted(result["offered"] for result in results[:2]) == [0, 1]
    states = [Registration.objects.get(pk=r.pk).status for r in (first, second, third)]
    assert states == [S.CANCELLED, S.OFFERED, S.WAITING]
    assert holding(session) == 3


def test_moves_in_opposite_directions_never_deadlock_nor_overfill():
    one, two = make_session(capacity=3), make_session(capacity=3, days=30)
    in_one, in_two = fill(one, 2), fill(two, 2, start=2000)
    calls = [lambda r=r: registrations.move_registration(r, to_session=two) for r in in_one]
    calls += [lambda r=r: registrations.move_registration(r, to_session=one) for r in in_two]
    _results, errors = run_together(*calls)
    assert holding(one) <= 3 and holding(two) <= 3
    assert holding(one) + holding(two) == 4
    assert all(error is None or isinstance(error, registrations.RegistrationError) for error in errors)
