import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accueil.models import IntakeRequest, Orientation, OrientationTransition
from accueil.orientation import ORIENTATION_WORKFLOW, build_partner_link, orient, recommend, remind_and_expire
from accueil.services import PARTNER_LINK, transition_request
from annuaire.models import Category
from lib.workflow import TransitionNotAllowed
from messagerie.links import LinkUnavailable
from messagerie.models import OutgoingEmail, PrivateLink
from referentiels.models import LegalForm, Territory, TerritoryKind
from tests.accueil.factories import commune, make_request
from tests.annuaire.factories import OrganisationFactory
from tests.comptes.factories import StaffFactory
from tests.helpers.auth import login_verified
from tests.helpers.mail import deliver, link_path, sent_email

pytestmark = pytest.mark.django_db


def support(name, *, code="97411", covers=None, categories=None, **values):
    organisation = OrganisationFactory(
        name=name, commune=commune(code), is_support_structure=True, email=f"{name.split()[0].lower()}@exemple.re",
        categories=categories, **values,
    )  # fmt: skip
    if covers:
        organisation.territories_covered.set(covers)
    return organisation


def qualifying_request(**values):
    intake, token = make_request(**values)
    transition_request(intake=intake, target="qualification")
    return intake, token


def test_recommendations_are_ranked_by_fit_with_their_reasons():
    tco = Territory.objects.get(kind=TerritoryKind.EPCI, short_name="TCO")
    finance = Category.objects.get(slug="finance-solidaire")
    near_funder = support("Fonds Solidaire Ouest", code="97415", covers=[tco], is_funder=True, categories=[finance])
    elsewhere = support("Incubateur Sud", code="97416")
    OrganisationFactory(name="Association sans rôle", commune=commune("97415"))
    intake, _ = qualifying_request(activity_commune=commune("97415"), needs=("financement", "global"))
    ranked = recommend(intake)
    assert [r.organisation for r in ranked] == [near_funder, elsewhere]
    reasons = " ".join(ranked[0].reasons)
    assert "Intervient sur Territoire de la Côte Ouest" in reasons and "Financeur" in reasons
    assert "Finance solidaire" in reasons
    assert ranked[1].reasons == ["Accompagne les porteurs de projet."]


def test_structures_that_accompany_the_projects_stage_rank_higher():
    general = support("Boutique de gestion")
    later = support("Pepiniere Developpement", support_stages=["developpement", "reprise"])
    early = support("Couveuse Emergence", support_stages=["emergence", "creation"])
    intake, _ = qualifying_request(stage="emergence", needs=("global",))
    ranked = recommend(intake)
    assert ranked[0].organisation == early
    assert "Accompagne les projets au stade « émergence (idée, premières démarches) »." in ranked[0].reasons
    assert {r.organisation for r in ranked[1:]} == {general, later}
    assert not any("stade" in reason for r in ranked[1:] for reason in r.reasons)


def test_orienting_sends_a_private_link_and_moves_the_request():
    structure = support("Kaz Initiatives")
    staff = StaffFactory(role="Accueil")
    intake, _ = qualifying_request()
    (orientation,) = orient(intake=intake, organisations=[structure], by=staff, why={structure.pk: "Proche."})
    assert orientation.status == "envoyee" and orientation.sent_at
    intake.refresh_from_db()
    assert intake.status == IntakeRequest.Status.ORIENTED
    email = sent_email(kind="accueil/orientation_partenaire")
    assert email.to == [structure.email] and "Proche." in email.body
    assert re.search(r"/accompagnement/partenaire/[\w-]{40,}/", email.body)


def partner_link():
    """Send the orientation email (its link is minted then) and return the link's path."""
    return link_path(sent_email(kind="accueil/orientation_partenaire"), r"/accompagnement/partenaire/[\w-]+/")


def test_the_partner_accepts_and_the_holder_sees_it(client):
    structure = support("Kaz Initiatives", phone="0262 10 20 30")
    intake, token = qualifying_request()
    orient(intake=intake, organisations=[structure], by=None)
    link = partner_link()
    page = client.get(link)
    assert page.status_code == 200 and intake.title in page.content.decode()
    assert intake.email not in page.content.decode(), "the holder's contact is shown once the partner accepts"
    response = client.post(link, {"action": "accepter", "message": "Rendez-vous mardi ?"})
    assert response.status_code == 302
    orientation = Orientation.objects.get()
    assert orientation.status == "acceptee" and orientation.partner_message == "Rendez-vous mardi ?"
    assert intake.email in client.get(link).content.decode()
    holder_page = client.get(reverse("accueil:suivi", args=[token])).content.decode()
    assert "Kaz Initiatives" in holder_page and "Rendez-vous mardi ?" in holder_page
    assert OutgoingEmail.objects.filter(kind="accueil/orientation_reponse_porteur", to=intake.email).exists()
    client.post(link, {"action": "rapport", "message": "Statuts déposés."})
    assert Orientation.objects.get().outcome_report == "Statuts déposés."


def test_the_partner_refuses_with_a_reason(client):
    structure = support("Kaz Initiatives")
    intake, _ = qualifying_request()
    orient(intake=intake, organisations=[structure], by=None)
    link = partner_link()
    response = client.post(link, {"action": "refuser", "reason": ""})
    assert response.status_code == 400 and "Choisissez le motif du refus." in response.content.decode()
    client.post(link, {"action": "refuser", "reason": "capacite", "message": "Complet jusqu'en mars."})
    orientation = Orientation.objects.get()
    assert (orientation.status, orientation.refusal_reason) == ("refusee", "capacite")
    # A second answer is refused in French, not with an error page.
    response = client.post(link, {"action": "accepter"})
    assert response.status_code == 400


def test_partner_links_are_private_and_per_orientation(client):
    mine, other = support("Kaz Initiatives"), support("Incubateur Sud", code="97416")
    intake, _ = qualifying_request()
    orient(intake=intake, organisations=[mine, other], by=None)
    links = [link_path(deliver(e), r"/accompagnement/partenaire/[\w-]+/")
             for e in OutgoingEmail.objects.filter(kind="accueil/orientation_partenaire").order_by("to")]  # fmt: skip
    assert len(set(links)) == 2
    client.post(links[0], {"action": "accepter"})
    statuses = dict(Orientation.objects.values_list("organisation__email", "status"))
    assert sorted(statuses.values()) == ["acceptee", "envoyee"]
    assert client.get("/accompagnement/partenaire/jeton-invente/").status_code == 404


def test_reminder_then_expiry(settings):
    structure = support("Kaz Initiatives")
    intake, _ = qualifying_request()
    (orientation,) = orient(intake=intake, organisations=[structure], by=None)
    Orientation.objects.filter(pk=orientation.pk).update(sent_at=timezone.now() - timedelta(days=8))
    assert remind_and_expire() == {"relances": 1, "expirees": 0}
    assert remind_and_expire() == {"relances": 0, "expirees": 0}, "one reminder only"
    assert OutgoingEmail.objects.filter(kind="accueil/orientation_relance").count() == 1
    Orientation.objects.filter(pk=orientation.pk).update(sent_at=timezone.now() - timedelta(days=16))
    assert remind_and_expire() == {"relances": 0, "expirees": 1}
    assert Orientation.objects.get().status == "expiree"


def test_orientation_workflow_refuses_other_transitions():
    structure = support("Kaz Initiatives")
    intake, _ = qualifying_request()
    (orientation,) = orient(intake=intake, organisations=[structure], by=None)
    with pytest.raises(TransitionNotAllowed):
        ORIENTATION_WORKFLOW.apply(orientation, "proposee", log_model=OrientationTransition)
    assert OrientationTransition.objects.filter(subject=orientation).count() == 1


def test_staff_orient_from_the_admin(client):
    structure = support("Kaz Initiatives")
    login_verified(client, StaffFactory(role="Accueil"))
    intake, _ = qualifying_request()
    url = reverse("admin:accueil_intakerequest_orient", args=[intake.pk])
    page = client.get(url).content.decode()
    assert "Kaz Initiatives" in page and "Installée à Saint-Denis." in page
    response = client.post(url, {"structures": [structure.pk], "etape": "envoyer"})
    assert response.status_code == 302
    assert Orientation.objects.get().organisation == structure


def test_a_partner_user_sees_only_their_structures_orientations(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from annuaire.models import PartnerMembership
    from tests.comptes.factories import UserFactory

    mine, theirs = support("Kaz Initiatives"), support("Incubateur Sud", code="97416")
    intake, _ = qualifying_request()
    orient(intake=intake, organisations=[mine, theirs], by=None)
    user = UserFactory()
    PartnerMembership.objects.create(user=user, organisation=mine)
    client.force_login(user)
    listing = client.get(reverse("accueil:partenaire-liste")).content.decode()
    assert intake.title in listing and "Incubateur Sud" not in listing
    own = Orientation.objects.get(organisation=mine)
    other = Orientation.objects.get(organisation=theirs)
    assert client.get(reverse("accueil:partenaire-orientation", args=[own.pk])).status_code == 200
    assert client.get(reverse("accueil:partenaire-orientation", args=[other.pk])).status_code == 404
    client.post(reverse("accueil:partenaire-orientation", args=[other.pk]), {"action": "accepter"})
    other.refresh_from_db()
    assert other.status == "envoyee"

    def count():
        with CaptureQueriesContext(connection) as context:
            assert client.get(reverse("accueil:partenaire-liste")).status_code == 200
        return len(context.captured_queries)

    few = count()
    for index in range(8):
        extra, _ = qualifying_request(email=f"x{index}@exemple.re", title=f"Projet {index}")
        orient(intake=extra, organisations=[mine], by=None)
    assert count() == few


def test_the_partner_list_has_tabs_by_state_and_pages(client):
    from accueil.orientation import answer_orientation
    from accueil.views import PARTNER_PAGE_SIZE
    from annuaire.models import PartnerMembership
    from tests.comptes.factories import UserFactory

    mine = support("Kaz Initiatives")
    user = UserFactory()
    PartnerMembership.objects.create(user=user, organisation=mine)
    client.force_login(user)
    url = reverse("accueil:partenaire-liste")
    for index in range(PARTNER_PAGE_SIZE + 2):
        intake, _ = qualifying_request(email=f"p{index}@exemple.re", title=f"Projet numéro {index:02d}")
        orient(intake=intake, organisations=[mine], by=None)
    accepted = Orientation.objects.get(request__title="Projet numéro 00")
    answer_orientation(orientation=accepted, accept=True)

    def titles(page):
        return set(re.findall(r"Projet numéro \d\d", page))

    # By default the partner lands on what awaits an answer, with the count of each tab.
    first = client.get(url).content.decode()
    assert 'aria-current="page">À traiter <span class="badge text-bg-light border">26</span>' in first
    assert "Acceptées <span" in first and "Page 1 sur 2" in first
    assert len(titles(first)) == PARTNER_PAGE_SIZE and "Projet numéro 00" not in titles(first)
    second = client.get(url, {"etat": "a-traiter", "page": 2}).content.decode()
    assert len(titles(second)) == 1 and not titles(first) & titles(second)
    assert titles(client.get(url, {"etat": "acceptees"}).content.decode()) == {"Projet numéro 00"}
    # Unknown tab or page: the list is shown anyway, never an error.
    assert client.get(url, {"etat": "<script>", "page": "zzz"}).status_code == 200


def test_the_partner_asks_the_holder_a_question(client):
    structure = support("Kaz Initiatives")
    intake, token = qualifying_request()
    orient(intake=intake, organisations=[structure], by=None)
    link = partner_link()
    client.post(link, {"action": "question", "message": "Avez-vous un local ?"})
    page = client.get(reverse("accueil:suivi", args=[token])).content.decode()
    assert "Avez-vous un local ?" in page and "<strong>Kaz Initiatives</strong>" in page


def test_anonymous_users_cannot_see_the_partner_list(client):
    response = client.get(reverse("accueil:partenaire-liste"))
    assert response.status_code == 302 and "connexion" in response.headers["Location"]


# --- Private links end with the orientation (issue 17, finding 7) ----------------------------


def partner_links():
    return PrivateLink.objects.filter(purpose=PARTNER_LINK)


def test_a_refused_orientation_link_works_for_the_grace_period_then_never(client, settings):
    structure = support("Kaz Initiatives")
    intake, _ = qualifying_request()
    (orientation,) = orient(intake=intake, organisations=[structure], by=None)
    link = partner_link()
    (stored,) = partner_links()
    assert stored.expires_at > timezone.now() + timedelta(days=settings.ORIENTATION_LINK_DAYS - 1)
    client.post(link, {"action": "refuser", "reason": "capacite"})
    stored.refresh_from_db()
    grace = timedelta(days=settings.ORIENTATION_LINK_GRACE_DAYS)
    assert timezone.now() + grace - timedelta(minutes=1) < stored.expires_at <= timezone.now() + grace
    assert client.get(link).status_code == 200, "the structure can still read what it answered"
    # Once the grace period is over, the link opens nothing, and no new one can be minted.
    PrivateLink.objects.filter(pk=stored.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get(link)
    assert response.status_code == 404 and intake.title not in response.content.decode()
    OrientationTransition.objects.filter(subject=orientation).update(created_at=timezone.now() - grace * 2)
    with pytest.raises(LinkUnavailable):
        build_partner_link(orientation=orientation.pk)


def test_closing_the_request_ends_partner_links_after_the_grace_period(settings):
    structure = support("Kaz Initiatives")
    intake, _ = qualifying_request()
    orient(intake=intake, organisations=[structure], by=None)
    partner_link()
    transition_request(intake=intake, target="cloturee", outcome="projet_cree")
    (stored,) = partner_links()
    assert stored.expires_at <= timezone.now() + timedelta(days=settings.ORIENTATION_LINK_GRACE_DAYS)


def test_an_anonymised_request_ends_partner_links_at_once(client, settings):
    from accueil.services import apply_retention

    structure = support("Kaz Initiatives")
    intake, _ = qualifying_request()
    orient(intake=intake, organisations=[structure], by=None)
    link = partner_link()
    transition_request(intake=intake, target="cloturee", outcome="projet_cree")
    IntakeRequest.objects.filter(pk=intake.pk).update(closed_at=timezone.now() - timedelta(days=40 * 31))
    apply_retention()
    assert client.get(link).status_code == 404
    assert not partner_links().filter(expires_at__gt=timezone.now()).exists()


def test_the_reminder_carries_a_fresh_working_link(client):
    structure = support("Kaz Initiatives")
    intake, _ = qualifying_request()
    (orientation,) = orient(intake=intake, organisations=[structure], by=None)
    Orientation.objects.filter(pk=orientation.pk).update(sent_at=timezone.now() - timedelta(days=8))
    remind_and_expire()
    reminder = link_path(sent_email(kind="accueil/orientation_relance"), r"/accompagnement/partenaire/[\w-]+/")
    assert reminder != partner_link()
    assert intake.title in client.get(reminder).content.decode()


def test_posts_on_a_partner_page_are_rate_limited(client, settings):
    settings.PRIVATE_PAGE_POSTS_PER_HOUR = 2
    structure = support("Kaz Initiatives")
    intake, _ = qualifying_request()
    orient(intake=intake, organisations=[structure], by=None)
    link = partner_link()
    for _ in range(2):
        client.post(link, {"action": "question", "message": "Avez-vous un local ?"})
    response = client.post(link, {"action": "question", "message": "Encore une ?"})
    assert response.status_code == 429 and "Trop d'envois" in response.content.decode().replace("&#x27;", "'")
    assert intake.messages.count() == 2


@pytest.mark.parametrize(
    "kind, code, cooperative",
    [("scic", None, True), ("cae", None, True), ("insee", "5458", True), ("association", "9220", False)],
)
def test_a_cooperative_project_is_matched_whether_answered_or_picked_in_the_list(kind, code, cooperative):
    coop = support("URSCOP Réunion", legal_form=LegalForm.objects.get(code="5458"))
    form = LegalForm.objects.get(code=code) if code else None
    intake, _ = qualifying_request(legal_form_kind=kind, legal_form=form)
    (ranked,) = [r for r in recommend(intake) if r.organisation == coop]
    assert ("Structure coopérative, pour un projet coopératif." in ranked.reasons) is cooperative
