"""Suggested tools on an intake request: staff search the registered sources and attach what
fits the request's needs, the holder sees them on the tracking page and records what came of
them, through a declared workflow with its log."""

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accueil import references as suggestions
from accueil.models import Need, RequestReference, RequestReferenceTransition
from experimentations.models import FinancialTool
from experimentations.references import SOURCE_NAME, resolve_tools, search_tools
from lib import references
from tests.accueil.factories import make_request
from tests.comptes.factories import StaffFactory
from tests.experimentations.factories import make_tool
from tests.helpers.auth import login_as

pytestmark = pytest.mark.django_db

Outcome = RequestReference.Outcome


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def accueil(client):
    return login_as(client, StaffFactory(role="Accueil", email="accueil@exemple.re"))


# --- experimentations' source, on its own ---------------------------------------------------------


def test_every_registered_source_serves_a_need_of_the_intake():
    assert references.sources(), "experimentations registers its tools"
    for source in references.sources():
        assert source.need in Need.values


def test_the_tools_source_searches_and_resolves_published_tools_only():
    loan = make_tool("Prêt d'honneur Initiative Réunion")
    make_tool("Garantie France Active", summary="Une garantie bancaire pour les structures de l'ESS.")
    draft = make_tool("Prêt d'honneur en préparation", status=FinancialTool.Status.DRAFT)
    found = search_tools("prêts d'honneur")  # plural and accents: the French full text
    assert [reference.title for reference in found] == ["Prêt d'honneur Initiative Réunion"]
    assert found[0].detail == f"Prêt d'honneur — {loan.provider.name}"
    assert found[0].url.endswith(f"/{loan.slug}/")
    assert [r.title for r in search_tools("garantie bancaire")] == ["Garantie France Active"]
    with CaptureQueriesContext(connection) as queries:
        resolved = resolve_tools([str(loan.pk), str(draft.pk), "abc", "999999"])
    assert len(queries) == 1
    assert set(resolved) == {str(loan.pk)}


# --- Attach, see, record -----------------------------------------------------------------------


def test_staff_attach_a_tool_the_holder_sees_it_and_records_its_outcome(accueil):
    tool = make_tool("Prêt d'honneur Initiative Réunion")
    intake, token = make_request(needs=("financement", "statut"))
    page = reverse("admin:accueil_intakerequest_suggest", args=[intake.pk])
    found = accueil.get(page, {"source": SOURCE_NAME, "q": "honneur"}).content.decode()
    assert "Prêt d&#x27;honneur Initiative Réunion" in found
    response = accueil.post(page, {"action": "ajouter", "source": SOURCE_NAME, "key": str(tool.pk)})
    assert response.status_code == 302
    assert "« Prêt d'honneur Initiative Réunion » est suggéré au porteur." in messages_of(response)
    suggestion = RequestReference.objects.get()
    assert (suggestion.source, suggestion.key, suggestion.outcome) == (SOURCE_NAME, str(tool.pk), Outcome.PROPOSED)
    assert suggestion.added_by.email == "accueil@exemple.re"
    # The same tool twice: refused in French.
    response = accueil.post(page, {"action": "ajouter", "source": SOURCE_NAME, "key": str(tool.pk)})
    assert "« Prêt d'honneur Initiative Réunion » est déjà suggéré sur cette demande." in messages_of(response)
    # The request's admin page lists it.
    change = accueil.get(reverse("admin:accueil_intakerequest_change", args=[intake.pk])).content.decode()
    assert "Suggérer des outils…" in change and "Prêt d&#x27;honneur Initiative Réunion" in change

    holder = Client()
    tracking = reverse("accueil:suivi", args=[token])
    page_html = holder.get(tracking).content.decode()
    assert "Les outils que l'équipe vous suggère" in page_html
    assert f'href="{suggestion and tool and "/financer-et-acheter/outils/" + tool.slug + "/"}"' in page_html
    response = holder.post(tracking, {"action": "suite", "suggestion": suggestion.pk, "outcome": "demande"})
    assert response.status_code == 302
    assert "Merci : « Prêt d'honneur Initiative Réunion » est noté « demandé »." in messages_of(response)
    response = holder.post(tracking, {"action": "suite", "suggestion": suggestion.pk, "outcome": "obtenu"})
    suggestion.refresh_from_db()
    assert suggestion.outcome == Outcome.OBTAINED
    log = list(RequestReferenceTransition.objects.filter(subject=suggestion).values_list("to_state", "by_holder"))
    assert log == [("demande", True), ("obtenu", True)]
    # Once obtained, nothing more: a French message, never a 500.
    response = holder.post(tracking, {"action": "suite", "suggestion": suggestion.pk, "outcome": "refuse"})
    assert response.status_code == 302
    assert any("on ne peut pas le passer à « refusé »" in message for message in messages_of(response))


def test_staff_record_an_outcome_with_its_log(accueil):
    tool = make_tool("Prêt d'honneur Initiative Réunion")
    intake, _token = make_request()
    suggestion = suggestions.attach_reference(intake=intake, source=SOURCE_NAME, key=str(tool.pk), by=None)
    page = reverse("admin:accueil_intakerequest_suggest", args=[intake.pk])
    accueil.post(page, {"action": "suite", "suggestion": suggestion.pk, "outcome": "demande"})
    response = accueil.post(page, {"action": "suite", "suggestion": suggestion.pk, "outcome": "refuse"})
    assert "Suite enregistrée : « Prêt d'honneur Initiative Réunion » — Refusé." in messages_of(response)
    log = RequestReferenceTransition.objects.filter(subject=suggestion).order_by("pk")
    assert [(row.from_state, row.to_state, row.by_holder, row.by.email) for row in log] == [
        ("propose", "demande", False, "accueil@exemple.re"),
        ("demande", "refuse", False, "accueil@exemple.re"),
    ]


@pytest.mark.parametrize(
    ("source", "target", "allowed"),
    [
        (Outcome.PROPOSED, Outcome.ASKED, True),
        (Outcome.PROPOSED, Outcome.OBTAINED, False),
        (Outcome.PROPOSED, Outcome.REFUSED, False),
        (Outcome.ASKED, Outcome.OBTAINED, True),
        (Outcome.ASKED, Outcome.REFUSED, True),
        (Outcome.ASKED, Outcome.PROPOSED, False),
        (Outcome.OBTAINED, Outcome.REFUSED, False),
        (Outcome.REFUSED, Outcome.OBTAINED, False),
    ],
)
def test_each_outcome_change_as_declared(source, target, allowed):
    intake, _token = make_request()
    suggestion = RequestReference.objects.create(
        request=intake, source=SOURCE_NAME, key="1", title="Outil", outcome=source
    )
    if allowed:
        suggestions.change_outcome(suggestion=suggestion, target=target)
        assert RequestReferenceTransition.objects.filter(subject=suggestion, to_state=target).count() == 1
    else:
        with pytest.raises(suggestions.ReferenceError):
            suggestions.change_outcome(suggestion=suggestion, target=target)
        assert not RequestReferenceTransition.objects.exists()
    suggestion.refresh_from_db()
    assert suggestion.outcome == (target if allowed else source)


def test_a_tool_is_attached_only_when_the_request_needs_funding():
    tool = make_tool("Prêt d'honneur Initiative Réunion")
    intake, _token = make_request(needs=("formation",))
    with pytest.raises(suggestions.ReferenceError, match="ne répond à aucun besoin de cette demande"):
        suggestions.attach_reference(intake=intake, source=SOURCE_NAME, key=str(tool.pk), by=None)
    assert suggestions.sources_for_request(intake) == []
    funded, _token = make_request(needs=("financement",))
    for bad_source, bad_key in [("inconnue", str(tool.pk)), (SOURCE_NAME, "abc"), (SOURCE_NAME, "999999")]:
        with pytest.raises(suggestions.ReferenceError):
            suggestions.attach_reference(intake=funded, source=bad_source, key=bad_key, by=None)
    draft = make_tool("Brouillon", status=FinancialTool.Status.DRAFT)
    with pytest.raises(suggestions.ReferenceError, match="n'est pas \\(ou plus\\) proposé"):
        suggestions.attach_reference(intake=funded, source=SOURCE_NAME, key=str(draft.pk), by=None)
    assert not RequestReference.objects.exists()


def test_a_renamed_tool_shows_its_new_title_an_archived_one_keeps_the_copied_title():
    tool = make_tool("Prêt d'honneur")
    intake, token = make_request()
    suggestion = suggestions.attach_reference(intake=intake, source=SOURCE_NAME, key=str(tool.pk), by=None)
    FinancialTool.objects.filter(pk=tool.pk).update(name="Prêt d'honneur création")
    (item,) = suggestions.request_suggestions(intake)
    assert item.title == "Prêt d'honneur création" and item.available
    FinancialTool.objects.filter(pk=tool.pk).update(name="Ancien nom", status=FinancialTool.Status.ARCHIVED)
    (item,) = suggestions.request_suggestions(intake)
    assert (item.title, item.url, item.available) == ("Prêt d'honneur", "", False)
    assert suggestion.title == "Prêt d'honneur"
    page = Client().get(reverse("accueil:suivi", args=[token])).content.decode()
    assert 'Prêt d&#x27;honneur</span> <span class="text-body-secondary">(n\'est plus proposé au catalogue)' in page
    assert "Ancien nom" not in page


# --- Access -------------------------------------------------------------------------------------


def test_the_holder_acts_only_on_their_own_request_s_suggestions():
    tool = make_tool("Prêt d'honneur Initiative Réunion")
    mine, my_token = make_request(email="moi@exemple.re")
    other, _other_token = make_request(email="autre@exemple.re")
    theirs = suggestions.attach_reference(intake=other, source=SOURCE_NAME, key=str(tool.pk), by=None)
    client = Client()
    tracking = reverse("accueil:suivi", args=[my_token])
    assert "Prêt d&#x27;honneur" not in client.get(tracking).content.decode()
    response = client.post(tracking, {"action": "suite", "suggestion": theirs.pk, "outcome": "demande"})
    assert "Cette suggestion n'existe pas sur votre demande." in messages_of(response)
    theirs.refresh_from_db()
    assert theirs.outcome == Outcome.PROPOSED
    forged = client.post(
        reverse("accueil:suivi", args=["jeton-invente-0123456789"]),
        {"action": "suite", "suggestion": theirs.pk, "outcome": "demande"},
    )
    assert forged.status_code == 404
    assert mine.references.count() == 0


@pytest.mark.parametrize("role", ["Partenariats", "Communication", "Formation", "Observatoire"])
def test_other_roles_cannot_open_the_suggestions_page(client, role):
    intake, _token = make_request()
    login_as(client, StaffFactory(role=role))
    page = reverse("admin:accueil_intakerequest_suggest", args=[intake.pk])
    assert client.get(page).status_code == 403
    assert client.post(page, {"action": "ajouter", "source": SOURCE_NAME, "key": "1"}).status_code == 403


def test_direction_reads_the_page_but_cannot_attach(client):
    tool = make_tool("Prêt d'honneur Initiative Réunion")
    intake, _token = make_request()
    login_as(client, StaffFactory(role="Direction"))
    page = reverse("admin:accueil_intakerequest_suggest", args=[intake.pk])
    assert client.get(page, {"q": "honneur"}).status_code == 200
    assert client.post(page, {"action": "ajouter", "source": SOURCE_NAME, "key": str(tool.pk)}).status_code == 403
    assert not RequestReference.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"action": "inconnue"},
        {"action": "ajouter"},
        {"action": "ajouter", "source": "x" * 5000, "key": "\x00"},
        {"action": "suite", "suggestion": "abc", "outcome": "obtenu"},
        {"action": "suite", "suggestion": "99999999999999999999", "outcome": "obtenu"},
    ],
)
def test_bad_input_on_the_staff_page_is_a_french_message_never_a_500(accueil, data):
    intake, _token = make_request()
    page = reverse("admin:accueil_intakerequest_suggest", args=[intake.pk])
    response = accueil.post(page, data)
    assert response.status_code == 302
    assert messages_of(response)
    assert accueil.get(page, {"source": "inconnue", "q": "\x00' OR 1=1 --" * 20}).status_code == 200


@pytest.mark.parametrize(
    "data",
    [
        {"action": "suite"},
        {"action": "suite", "suggestion": "1e9", "outcome": "obtenu"},
        {"action": "suite", "suggestion": "99999999999999999999", "outcome": "obtenu"},
        {"action": "suite", "suggestion": "{pk}", "outcome": "n-importe"},
    ],
)
def test_bad_input_on_the_tracking_page_is_a_french_message_never_a_500(data):
    tool = make_tool("Prêt d'honneur Initiative Réunion")
    intake, token = make_request()
    suggestion = suggestions.attach_reference(intake=intake, source=SOURCE_NAME, key=str(tool.pk), by=None)
    data = {key: value.format(pk=suggestion.pk) for key, value in data.items()}
    response = Client().post(reverse("accueil:suivi", args=[token]), data)
    assert response.status_code == 302
    assert messages_of(response)


# --- Queries -------------------------------------------------------------------------------------


def test_the_tracking_page_runs_constant_queries_whatever_its_suggestions():
    intake, token = make_request()
    tools = [make_tool(f"Outil numéro {n}") for n in range(6)]
    suggestions.attach_reference(intake=intake, source=SOURCE_NAME, key=str(tools[0].pk), by=None)
    client = Client()
    url = reverse("accueil:suivi", args=[token])
    client.get(url)  # the link's first use is recorded once
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for tool in tools[1:]:
        suggestions.attach_reference(intake=intake, source=SOURCE_NAME, key=str(tool.pk), by=None)
    FinancialTool.objects.filter(pk=tools[3].pk).update(status=FinancialTool.Status.ARCHIVED)
    with CaptureQueriesContext(connection) as six:
        page = client.get(url).content.decode()
    assert "Outil numéro 5" in page
    assert len(six) == len(one), "\n".join(q["sql"][:300] for q in six.captured_queries)
