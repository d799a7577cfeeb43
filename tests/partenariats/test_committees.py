"""Committees: minutes kept as sanitised rich text, decisions that create or change a
commitment of the committee's own convention (the workflow decides which change of state is
allowed), and the staff's admin pages for them, bad input included."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from lib.workflow import WorkflowError
from partenariats.committees import DecisionRefused, record_decision, save_minutes
from partenariats.models import Commitment, CommitmentTransition, Committee, CommitteeParticipant, Decision
from tests.comptes.factories import StaffFactory
from tests.helpers.auth import login_verified
from tests.partenariats.factories import (
    make_commitment,
    make_committee,
    make_convention,
    make_decision,
    make_participant,
    make_partner,
)

pytestmark = pytest.mark.django_db

Status = Commitment.Status
Effect = Decision.Effect


@pytest.fixture
def cma():
    return make_partner(name="Chambre de métiers et de l'artisanat")


@pytest.fixture
def convention(cma):
    return make_convention(cma, status="en_vigueur")


@pytest.fixture
def committee(convention):
    return make_committee(convention, held_at=timezone.now() - timedelta(days=2), place="Saint-Denis")


@pytest.fixture
def staff():
    return StaffFactory(role="Partenariats", email="lea@cress.re", first_name="Léa", last_name="Grondin")


def in_days(days: int):
    return timezone.localdate() + timedelta(days=days)


def snapshot():
    """Everything a refused decision must leave as it was."""
    return (
        list(Commitment.objects.order_by("pk").values_list("pk", "status", "due_date", "title")),
        CommitmentTransition.objects.count(),
        Decision.objects.count(),
    )


# --- Minutes -----------------------------------------------------------------------------------


def test_the_minutes_are_kept_without_script_handler_or_foreign_link(committee, staff):
    stored = save_minutes(
        committee=committee,
        html='<h1>Bilan</h1><p onclick="steal()">Le comité <strong>valide</strong> le bilan.</p>'
        '<script>alert("x")</script><a href="javascript:steal()">lien</a><a href="https://cma-reunion.fr">CMA</a>',
        by=staff,
    )
    committee.refresh_from_db()
    assert committee.minutes == stored
    assert "<script" not in stored and "alert" not in stored
    assert "onclick" not in stored and "steal" not in stored
    assert "<h2>Bilan</h2>" in stored and "<strong>valide</strong>" in stored
    assert '<a href="https://cma-reunion.fr" rel="noopener noreferrer">CMA</a>' in stored


def test_an_editor_left_empty_keeps_no_minutes(committee):
    assert save_minutes(committee=committee, html="<div><br></div>") == ""
    committee.refresh_from_db()
    assert committee.minutes == ""


# --- Decisions ---------------------------------------------------------------------------------


def test_a_decision_creates_a_commitment_of_a_party_on_the_committee_convention(committee, convention, cma, staff):
    decision = record_decision(
        committee=committee,
        text="La CMA organise deux ateliers « créer en coopérative » d'ici juin.",
        effect=Effect.CREATES,
        by=staff,
        new_commitment={"title": "Deux ateliers coopératives", "party": cma, "due_date": in_days(90), "owner": staff},
    )
    commitment = decision.commitment
    assert commitment.convention == convention and commitment.party == cma and commitment.owner == staff
    assert commitment.title == "Deux ateliers coopératives" and commitment.due_date == in_days(90)
    assert commitment.status == Status.TODO
    assert decision.committee == committee and decision.effect == Effect.CREATES and decision.order == 1
    assert not CommitmentTransition.objects.filter(subject=commitment).exists(), "a creation is not a transition"


def test_a_decision_may_create_a_commitment_of_the_cress(committee):
    decision = record_decision(
        committee=committee,
        text="La CRESS publie le bilan.",
        effect=Effect.CREATES,
        new_commitment={"title": "Publier le bilan", "party": None, "due_date": in_days(30)},
    )
    assert decision.commitment.party is None and decision.commitment.party_name == "CRESS La Réunion"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": "", "due_date": 30}, "Indiquez l'intitulé"),
        ({"title": "Atelier", "due_date": None}, "Indiquez l'échéance"),
        ({"title": "Atelier", "due_date": -10}, "ne peut pas précéder la date du comité"),
        ({"title": "Atelier", "due_date": 30, "party": "other"}, "n'est pas partie à la convention"),
        ({"title": "Atelier", "due_date": 30, "owner": "not_staff"}, "membre de l'équipe de la CRESS"),
    ],
)
def test_a_commitment_that_cannot_be_created_writes_nothing(committee, fields, message):
    from tests.comptes.factories import UserFactory

    fields = dict(fields)
    if fields.get("due_date") is not None:
        fields["due_date"] = in_days(fields["due_date"])
    if fields.get("party") == "other":
        fields["party"] = make_partner(name="URSCOP")
    if fields.get("owner") == "not_staff":
        fields["owner"] = UserFactory(email="partenaire@cma.re")
    before = snapshot()
    with pytest.raises(DecisionRefused, match=message):
        record_decision(committee=committee, text="Décision.", effect=Effect.CREATES, new_commitment=fields)
    assert snapshot() == before


def test_a_decision_changes_the_due_date_and_the_state_with_one_log_row(committee, convention, staff):
    commitment = make_commitment(convention, title="Orienter 50 porteurs", due=in_days(20))
    decision = record_decision(
        committee=committee,
        text="Le comité reporte l'échéance à l'automne ; l'engagement est commencé.",
        effect=Effect.CHANGES,
        by=staff,
        commitment=commitment,
        changes={"due_date": in_days(120), "status": Status.IN_PROGRESS},
    )
    commitment.refresh_from_db()
    assert decision.commitment == commitment and decision.effect == Effect.CHANGES
    assert commitment.due_date == in_days(120) and commitment.status == Status.IN_PROGRESS
    (log,) = CommitmentTransition.objects.filter(subject=commitment)
    assert (log.from_state, log.to_state, log.by) == (Status.TODO, Status.IN_PROGRESS, staff)
    assert "reporte l'échéance" in log.comment


def test_a_new_due_date_alone_writes_no_log_row(committee, convention):
    commitment = make_commitment(convention, due=in_days(20))
    record_decision(
        committee=committee,
        text="Report.",
        effect=Effect.CHANGES,
        commitment=commitment,
        changes={"due_date": in_days(60)},
    )
    commitment.refresh_from_db()
    assert commitment.due_date == in_days(60) and commitment.status == Status.TODO
    assert not CommitmentTransition.objects.filter(subject=commitment).exists()


def test_a_decision_may_not_change_a_commitment_of_another_convention(committee, cma):
    elsewhere = make_commitment(make_convention(cma, status="en_vigueur"), title="Engagement d'ailleurs")
    before = snapshot()
    with pytest.raises(DecisionRefused, match="relève d'une autre convention"):
        record_decision(
            committee=committee,
            text="Abandon.",
            effect=Effect.CHANGES,
            commitment=elsewhere,
            changes={"status": Status.ABANDONED},
        )
    assert snapshot() == before


def test_a_refused_change_of_state_leaves_everything_unchanged(committee, convention, staff):
    kept = make_commitment(convention, status="tenu", due=in_days(10), by=staff)
    before = snapshot()
    with pytest.raises(WorkflowError) as refusal:
        record_decision(
            committee=committee,
            text="Reprendre l'engagement, nouvelle échéance.",
            effect=Effect.CHANGES,
            commitment=kept,
            changes={"due_date": in_days(100), "status": Status.IN_PROGRESS},
        )
    message = str(refusal.value)
    assert "Changement d'état refusé" in message and "« Tenu »" in message and "« En cours »" in message
    assert snapshot() == before, "neither the new due date, nor a log row, nor the decision"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"effect": Effect.CHANGES, "changes": {"status": Status.IN_PROGRESS}}, "Choisissez l'engagement"),
        ({"effect": Effect.CHANGES, "with_commitment": True, "changes": {}}, "Indiquez ce que la décision change"),
        ({"effect": Effect.CHANGES, "with_commitment": True, "changes": {"status": "inconnu"}}, "n'existe pas"),
        ({"effect": Effect.NOTE, "with_commitment": True}, "Une décision sans engagement"),
        ({"effect": "autre"}, "Choisissez l'effet"),
        ({"effect": Effect.NOTE, "text": "  "}, "Écrivez la décision"),
    ],
)
def test_a_decision_asked_wrongly_is_refused_in_french(committee, convention, arguments, message):
    arguments = dict(arguments)
    if arguments.pop("with_commitment", False):
        arguments["commitment"] = make_commitment(convention)
    arguments.setdefault("text", "Décision.")
    before = snapshot()
    with pytest.raises(DecisionRefused, match=message):
        record_decision(committee=committee, **arguments)
    assert snapshot() == before


def test_decisions_are_numbered_in_order(committee):
    first = record_decision(committee=committee, text="Organiser un forum.", effect=Effect.NOTE)
    second = record_decision(committee=committee, text="Se revoir en juin.", effect=Effect.NOTE)
    assert (first.order, second.order) == (1, 2)


# --- The admin ---------------------------------------------------------------------------------


def committee_form(convention, *, participants=(), minutes="", **values) -> dict:
    """What the committee's admin page posts (its two inline formsets included)."""
    data = {
        "convention": convention.pk,
        "kind": "copil",
        "held_at_0": (timezone.localdate() - timedelta(days=1)).strftime("%d/%m/%Y"),
        "held_at_1": "09:30",
        "place": "Saint-Denis, CRESS",
        "agenda": "Bilan de l'année\nPerspectives",
        "minutes_html": minutes,
        "participants-TOTAL_FORMS": str(len(participants)),
        "participants-INITIAL_FORMS": "0",
        "participants-MIN_NUM_FORMS": "0",
        "participants-MAX_NUM_FORMS": "1000",
        "decisions-TOTAL_FORMS": "0",
        "decisions-INITIAL_FORMS": "0",
        "decisions-MIN_NUM_FORMS": "0",
        "decisions-MAX_NUM_FORMS": "1000",
    }
    for index, (name, email, partner) in enumerate(participants):
        data |= {
            f"participants-{index}-name": name,
            f"participants-{index}-email": email,
            f"participants-{index}-partner": partner.pk if partner else "",
            f"participants-{index}-attended": "on",
        }
    return data | values


def last_message(response) -> str:
    """The message this response added (those of earlier, unfollowed redirects come first)."""
    return [str(message) for message in response.wsgi_request._messages][-1]


def test_staff_add_a_committee_with_participants_and_sanitised_minutes(client, staff, convention, cma):
    login_verified(client, staff)
    data = committee_form(
        convention,
        participants=[("Paul Hoarau", "paul@cma.re", cma), ("Léa Grondin", "lea@cress.re", None)],
        minutes='<div>Le comité <em>valide</em> le bilan.</div><script>alert(1)</script><p onclick="x()">Suite</p>',
    )
    response = client.post(reverse("admin:partenariats_committee_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    committee = Committee.objects.get()
    assert "<em>valide</em>" in committee.minutes
    assert "script" not in committee.minutes and "onclick" not in committee.minutes
    assert set(committee.participants.values_list("name", "partner")) == {
        ("Paul Hoarau", cma.pk),
        ("Léa Grondin", None),
    }


def test_a_participant_of_a_partner_outside_the_convention_is_refused(client, staff, convention):
    login_verified(client, staff)
    outsider = make_partner(name="France Travail")
    response = client.post(
        reverse("admin:partenariats_committee_add"),
        committee_form(convention, participants=[("Marc Técher", "marc@ft.fr", outsider)]),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "« France Travail » n&#x27;est pas partie à la convention" in page
    assert not Committee.objects.exists() and not CommitteeParticipant.objects.exists()


def test_the_change_page_offers_only_the_convention_parties(client, staff, committee, cma):
    make_partner(name="France Travail")
    login_verified(client, staff)
    page = client.get(reverse("admin:partenariats_committee_change", args=[committee.pk])).content.decode()
    assert "Chambre de métiers et de l&#x27;artisanat" in page
    assert "France Travail" not in page
    assert "Enregistrer une décision" in page and "Générer et envoyer le compte rendu" in page


def test_the_committee_admin_with_bad_dates_answers_in_french(client, staff, convention):
    login_verified(client, staff)
    data = committee_form(convention, held_at_0="31/02/2026", agenda="")
    response = client.post(reverse("admin:partenariats_committee_add"), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Écrivez l&#x27;ordre du jour" in page
    assert not Committee.objects.exists()


def decision_url(committee) -> str:
    return reverse("admin:partenariats_committee_decision", args=[committee.pk])


def test_the_decision_page_creates_a_commitment(client, staff, committee, cma):
    login_verified(client, staff)
    assert client.get(decision_url(committee)).status_code == 200
    response = client.post(
        decision_url(committee),
        {
            "text": "La CMA anime un atelier par trimestre.",
            "effect": "cree",
            "new_title": "Un atelier par trimestre",
            "new_party": cma.pk,
            "new_due_date": in_days(120).isoformat(),
            "new_owner": staff.pk,
        },
    )
    assert response.status_code == 302
    decision = Decision.objects.get()
    assert decision.commitment.title == "Un atelier par trimestre" and decision.commitment.party == cma
    assert "l'engagement « Un atelier par trimestre » est créé" in last_message(response)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": "", "effect": "note"}, "Écrivez la décision prise par le comité."),
        ({"text": "Atelier", "effect": "cree", "new_title": ""}, "Indiquez l&#x27;intitulé de l&#x27;engagement"),
        (
            {"text": "Atelier", "effect": "cree", "new_title": "A", "new_due_date": "bientôt"},
            "Indiquez une date valide",
        ),
        ({"text": "Atelier", "effect": "cree", "new_title": "A"}, "Indiquez l&#x27;échéance du nouvel engagement"),
        ({"text": "Report", "effect": "modifie"}, "Choisissez l&#x27;engagement que la décision modifie."),
        (
            {"text": "Report", "effect": "modifie", "commitment": "other"},
            "Choisissez l&#x27;un des engagements de cette",
        ),
        ({"text": "Report", "effect": "modifie", "commitment": "own"}, "Indiquez ce que la décision change"),
        (
            {"text": "Reprise", "effect": "modifie", "commitment": "own_kept", "change_status": "en_cours"},
            "Changement d&#x27;état refusé",
        ),
        ({"text": "X", "effect": "cree", "new_title": "A", "new_due_date": "2000-01-01"}, "ne peut pas précéder"),
        (
            {"text": "X", "effect": "cree", "new_title": "A", "new_due_date": "2999-01-01", "new_party": "0"},
            "ou la CRESS.",
        ),
        ({"text": "X", "effect": "inconnu"}, "Effet inconnu."),
    ],
)
def test_the_decision_page_refuses_bad_input_in_french_and_writes_nothing(
    client, staff, committee, convention, cma, data, message
):
    login_verified(client, staff)
    data = dict(data)
    if data.get("commitment") == "other":
        data["commitment"] = make_commitment(make_convention(cma)).pk
    elif data.get("commitment") == "own":
        data["commitment"] = make_commitment(convention).pk
    elif data.get("commitment") == "own_kept":
        data["commitment"] = make_commitment(convention, status="tenu").pk
    before = snapshot()
    response = client.post(decision_url(committee), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "La décision n'est pas enregistrée" in page and message in page, page[-4000:]
    assert snapshot() == before


def test_the_send_button_takes_a_post_and_says_why_it_cannot_send(
    client, staff, committee, django_capture_on_commit_callbacks
):
    login_verified(client, staff)
    url = reverse("admin:partenariats_committee_send_minutes", args=[committee.pk])
    assert client.get(url).status_code == 403
    response = client.post(url)
    assert response.status_code == 302
    assert last_message(response) == "Rédigez et enregistrez d'abord le compte rendu : il est vide."

    save_minutes(committee=committee, html="<p>Le bilan est validé.</p>")
    make_participant(committee, "Invité sans adresse")
    response = client.post(url)
    assert "Aucun participant n'a d'adresse électronique" in last_message(response)

    make_participant(committee, "Paul Hoarau", email="paul@cma.re")
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(url)
    assert "vers 1 participant(s)" in last_message(response)
    assert len(callbacks) == 1, "the worker is asked once, after commit"


def test_only_who_may_change_the_committee_may_send_or_decide(client, committee):
    login_verified(client, StaffFactory(role="Direction", email="direction@cress.re"))
    assert client.post(reverse("admin:partenariats_committee_send_minutes", args=[committee.pk])).status_code == 403
    assert client.get(decision_url(committee)).status_code == 403
    page = client.get(reverse("admin:partenariats_committee_change", args=[committee.pk])).content.decode()
    assert reverse("admin:partenariats_committee_send_minutes", args=[committee.pk]) not in page
    assert decision_url(committee) not in page
    login_verified(client, StaffFactory(role="Formation", email="formation@cress.re"))
    assert client.get(reverse("admin:partenariats_committee_minutes_pdf", args=[committee.pk])).status_code == 403


def test_the_pdf_button_gives_a_preview_until_the_minutes_are_sent(client, committee, cma):
    login_verified(client, StaffFactory(role="Direction", email="direction@cress.re"))
    url = reverse("admin:partenariats_committee_minutes_pdf", args=[committee.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert last_message(response) == "Le compte rendu est vide : il n'y a pas encore de PDF."
    save_minutes(committee=committee, html="<p>Le bilan est validé.</p>")
    make_participant(committee, "Paul Hoarau", partner=cma)
    make_decision(committee, text="Organiser un forum en mai.")
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    page = client.get(reverse("admin:partenariats_committee_change", args=[committee.pk])).content.decode()
    assert "Le bilan est validé." in page, "the minutes read-only, for who may only read"
