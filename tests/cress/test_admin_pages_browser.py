"""Every staff admin page in Chromium, at 360 and 1 280 px, for each role and a superuser
(issue 18, point 11): the admin home, each list the person may open and one record of each
(with the demo's realistic data), the history of that record, and the admin's own pages
(dashboard, orientation, FSE report, newsletter preview…). Each is checked by `look`:
axe-core without a serious violation, no sideways scroll of the page.

The pages come from the admin site's registry as each person sees it (`get_app_list`), so
a model registered later is visited without touching this test; it fails if the fixture
has no row of it to open. A page already seen with the same rights on its model is not
visited twice (the rights, not the role, decide what it shows)."""

import re

import pytest
from axes.models import AccessFailureLog
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from accueil.models import IntakeRequest, RequestReference
from accueil.references import attach_reference
from accueil.services import erase_request
from communication.models import Delivery, NewsletterIssue, Subscriber
from comptes.models import User
from comptes.services import issue_recovery_codes
from cress.access import MODEL_RULES
from cress.demo import DEMO_PASSWORD, DEMO_STAFF
from cress.personal_data import export_person
from emplois.models import JobAlertDelivery
from experimentations import needs as need_services
from experimentations.experiments import add_document
from experimentations.models import AlertDelivery, Experiment, FinancialTool, Need, SupplierMatch
from experimentations.references import SOURCE_NAME
from formation import hr
from formation.models import Complaint, HrRequest, RegistrationGroup
from observatoire.models import ImportKind, PerimeterExclusion, Publication
from observatoire.services import run_import, upload_import
from partenariats.conversation import post_staff_message
from partenariats.models import Convention, ConventionMessage, Partner
from referentiels.models import Territory, TerritoryKind
from territoires.models import Plan, Policy
from tests.accueil.factories import make_request
from tests.emplois.factories import job_board_rows
from tests.experimentations.factories import (
    PDF,
    make_alert,
    make_emailed_match,
    make_experiment,
    make_tool,
    posted_need,
)
from tests.formation.documents_helpers import make_registration, make_session
from tests.formation.hr_factories import make_hr_request, make_training
from tests.helpers import browser
from tests.helpers.auth import browser_login
from tests.observatoire.factories import Row, establishment_file, make_siret
from tests.observatoire.helpers import serve_built_panorama
from tests.partenariats.factories import make_commitment, make_committee, make_convention, make_decision, make_partner
from tests.territoires.factories import make_policy, sample_plan

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.fixture
def demo_data(settings):
    """The demo's content (`seed_demo`), and a row of each model it does not fill."""
    settings.DEMO_MODE = True
    with open("/dev/null", "w") as quiet:
        call_command("seed_demo", stdout=quiet)
    superuser = User.objects.get(is_superuser=True)
    issue = NewsletterIssue.objects.create(
        subject="La lettre de décembre", intro="<p>Les rendez-vous de l'ESS à La Réunion ce mois-ci.</p>"
    )
    subscriber = Subscriber.objects.create(
        email="lectrice@exemple.re",
        status=Subscriber.Status.CONFIRMED,
        consent_text="J'accepte de recevoir la lettre.",
        consent_at=timezone.now(),
        confirmed_at=timezone.now(),
    )
    Delivery.objects.create(issue=issue, subscriber=subscriber)
    issue_recovery_codes(user=superuser)
    # A mistyped password, then a good one: the lockout's records (django-axes).
    client = Client()
    client.post(reverse("admin:login"), {"username": "direction@demo.ess-reunion.re", "password": "faux"})
    client.post(reverse("admin:login"), {"username": "direction@demo.ess-reunion.re", "password": DEMO_PASSWORD})
    if not AccessFailureLog.objects.exists():  # kept only when AXES_ENABLE_ACCESS_FAILURE_LOG is on
        AccessFailureLog.objects.create(
            username="direction@demo.ess-reunion.re",
            ip_address="127.0.0.1",
            user_agent="Mozilla/5.0",
            http_accept="text/html",
            path_info="/gestion/login/",
            attempt_time=timezone.now(),
        )
    erased = IntakeRequest.objects.order_by("-pk").first()
    holder = erased.email
    erase_request(intake=erased, by=superuser, reason="Demande de la personne par courriel.")
    # A person's access request, answered with the ZIP (the journal of personal-data requests).
    export_person(email=holder, reference="Courriel du 2 décembre", by=superuser)
    # The observatory: the perimeter's exclusions (seeded by a migration, which a
    # transactional test empties) and a file imported for the next millésime, one row refused.
    PerimeterExclusion.objects.get_or_create(
        naf_prefix="84",
        defaults={"label": "Administration publique et défense", "reason": "Hors champ : secteur public"},
    )
    rows = [Row(make_siret(n)) for n in range(1, 6)] + [Row("1")]
    upload = SimpleUploadedFile("base-2025.csv", establishment_file(rows))
    data_import = upload_import(kind=ImportKind.ESTABLISHMENTS, year=2025, upload=upload, by=superuser)
    run_import(import_id=data_import.pk)
    # The observatory's panoramas: one built and asked for, and a publication.
    serve_built_panorama(email="lectrice@exemple.re")
    study = Publication(
        title="Les coopératives à La Réunion",
        published_on=timezone.localdate(),
        summary="Une étude de l'observatoire.",
        territory=Territory.objects.get(kind=TerritoryKind.REGION),
    )
    study.file.save("etude.pdf", ContentFile(b"%PDF-1.4 etude"))
    # Formation: an employer's HR request in conversation, pointed to a training; a complaint handled.
    adviser = User.objects.get(groups__name="Formation")
    training = make_training(title="Conduire l'entretien professionnel")
    hr_request, _token = make_hr_request(email="rh@ti-kaz.re", suggested_training=training)
    hr.transition_hr_request(hr_request=hr_request, target=HrRequest.Status.IN_PROGRESS, by=adviser)
    hr.send_staff_message(hr_request=hr_request, by=adviser, body="Combien de salariés sont concernés cette année ?")
    hr.answer_as_employer(hr_request=hr_request, body="Sept, dont deux à temps partiel.")
    Complaint.objects.create(
        training=training,
        author="Une stagiaire",
        description="Le support de formation n'a pas été envoyé après la session.",
        status=Complaint.Status.HANDLED,
        handling="Support envoyé le lendemain avec nos excuses ; envoi automatique prévu désormais.",
        handled_at=timezone.now(),
    )
    # Formation: a past session with a person present (a certificate) and one absent, a group.
    session = make_session(length_days=2)
    present = make_registration(session, status="presente", assessment_result="atteints", certificate_number="AF-1")
    present.certificate_file.save("attestation.pdf", ContentFile(b"%PDF-1.4 attestation"))
    make_registration(session, first_name="Paul", last_name="Grondin", status="absente")
    RegistrationGroup.objects.create(session=session, organisation_name="Ti Kaz", contact_email="ti@exemple.re")
    # Expérimentations: an alert on the tools, confirmed, and a tool it was sent.
    alert = make_alert("alerte@exemple.re")
    tool = FinancialTool.objects.order_by("pk").first() or make_tool()
    AlertDelivery.objects.create(alert=alert, tool=tool, kind=AlertDelivery.Kind.NEW)
    # Emplois: the demo's offers, applications and alerts; what an alert was sent.
    if not JobAlertDelivery.objects.exists():
        job_board_rows()
    # Partenariats and Territoires, where the demo has none yet.
    if not Partner.objects.exists():
        partner = make_partner(name="Chambre de métiers et de l'artisanat")
        convention = make_convention(partner, status="en_vigueur")
        make_decision(make_committee(convention), commitment=make_commitment(convention, party=partner))
    if not ConventionMessage.objects.exists():
        post_staff_message(
            convention=Convention.objects.order_by("pk").first(),
            author=superuser,
            body="Le bilan de l'année est attendu pour le comité de mars.",
        )
    if not Plan.objects.exists():
        sample_plan()
    if not Policy.objects.filter(kind=Policy.Kind.PTCE).exists():
        make_policy(kind="ptce", members=[("ess", "Ressourcerie du Sud")])
    if not Need.objects.exists():
        need, _token = posted_need(title="Entretien des espaces verts des écoles")
        need_services.validate_need(need=need, by=superuser)
    # Expérimentations: an experiment (indicator, measures, a public document), and a financial tool
    # suggested on a request that needs funding.
    if not Experiment.objects.exists():
        experiment = make_experiment("Monnaie locale complémentaire du Sud")
        add_document(experiment=experiment, title="Bilan", upload=SimpleUploadedFile("bilan.pdf", PDF), is_public=True)
    if not RequestReference.objects.exists():
        intake = IntakeRequest.objects.filter(anonymised_at=None, needs__contains=["financement"]).first()
        intake = intake or make_request(needs=("financement",))[0]
        tool = FinancialTool.objects.filter(status=FinancialTool.Status.PUBLISHED).first() or make_tool()
        attach_reference(intake=intake, source=SOURCE_NAME, key=str(tool.pk), by=superuser)
    # Expérimentations: a need sent to a supplier who answered.
    if not SupplierMatch.objects.exists():
        make_emailed_match(answered=True)


# What sticks out of the window, to say where a page scrolls sideways.
WIDE_ELEMENTS = """[...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && e.children.length === 0)
  .slice(0, 4)
  .map(e => `${e.tagName}.${e.className}#${e.id} ${Math.round(e.getBoundingClientRect().right)}`)"""


def people():
    """Each demo staff account (one per role) and the superuser, the superuser first."""
    return sorted(DEMO_STAFF, key=lambda account: not account.is_superuser)


def model_rights(user, model_admin, request):
    return tuple(
        action
        for action, allowed in model_admin.get_model_perms(request).items()
        if allowed and action in {"view", "add", "change", "delete"}
    )


def admin_pages(user):
    """(key, url) of the admin pages `user` works with: home, each list, a record and its
    history, and the model's own admin pages declared in cress/access.py. The key says
    what the page shows (its address pattern and the rights it is shown with)."""
    request = RequestFactory().get("/")
    request.user = user
    yield ("home", None), reverse("admin:index")
    views = {rule.model: rule.admin_views for rule in MODEL_RULES}
    for app in admin.site.get_app_list(request):
        for entry in app["models"]:
            model = entry["model"]
            model_admin = admin.site.get_model_admin(model)
            rights = model_rights(user, model_admin, request)
            label = model._meta.label
            yield (label, "list", rights), entry["admin_url"]
            record = model_admin.get_queryset(request).order_by("pk").first()
            assert record is not None, f"No {label} in the fixture: add a realistic one to demo_data"
            info = (model._meta.app_label, model._meta.model_name)
            yield (label, "record", rights), reverse("admin:{}_{}_change".format(*info), args=[record.pk])
            # Every history page is the same template over a model's log: one per app is enough.
            yield ("history", model._meta.app_label), reverse("admin:{}_{}_history".format(*info), args=[record.pk])
            for name, action in views.get(label, {}).items():
                if not (user.is_superuser or (action and action in rights)):
                    continue
                # No argument, the record's session (a registration's pages of its session), or the record.
                session = [([], {"session_id": record.session_id})] if hasattr(record, "session_id") else []
                # A supplier match's page of its need.
                need = [([], {"need_id": record.need_id})] if hasattr(record, "need_id") else []
                for args, kwargs in [([], None), *session, *need, ([record.pk], None)]:
                    try:
                        yield (label, name, rights), reverse(f"admin:{name}", args=args, kwargs=kwargs)
                    except NoReverseMatch:
                        continue
                    break


AXE_EVERYWHERE_WIDTH = 1280


@pytest.mark.parametrize("width", [360, AXE_EVERYWHERE_WIDTH])
def test_every_admin_page_of_every_role_fits_and_passes_axe(chromium, live_server, demo_data, width):
    seen, problems = set(), []
    for account in people():
        user = User.objects.get(email=account.email)
        context = chromium.new_context(viewport={"width": width, "height": 900}, locale="fr-FR")
        page = context.new_page()
        try:
            browser_login(page, live_server.url, account.email, DEMO_PASSWORD)
            for key, url in admin_pages(user):
                if key in seen:
                    continue
                seen.add(key)
                try:
                    response = page.goto(live_server.url + url)
                except PlaywrightError as error:
                    if "Download is starting" in str(error):
                        continue  # a file to download (CSV report)
                    raise
                if response.status >= 500:
                    problems.append(f"{url} answers {response.status} to {account.email}")
                    continue
                if response.status != 200 or "text/html" not in response.headers.get("content-type", ""):
                    continue  # a download (CSV) or an action that only takes a POST
                name = "gestion-" + re.sub(r"[^a-z0-9]+", "-", f"{account.group or 'superuser'}-{url}".lower())
                try:
                    if width == AXE_EVERYWHERE_WIDTH or key[0] == "home" or "list" in key:
                        browser.look(page, name.strip("-"))
                    else:
                        # axe-core finds the same things at both widths on a form or a record
                        # (it was run at 1 280 px): on a phone, what changes is the layout.
                        assert browser.sideways_scroll(page) <= 0, f"{name} scrolls sideways at {width} px"
                except AssertionError as problem:  # every page is checked, then all problems told
                    problems.append(f"{url} ({account.email}): {problem} {page.evaluate(WIDE_ELEMENTS)}")
        finally:
            context.close()
    assert not problems, "\n".join(problems)
    assert len(seen) > 60, "the registry was walked"


def test_the_navigation_is_reachable_on_a_laptop_and_leaves_the_list_its_width(chromium, live_server, demo_data):
    """At 1 280 px the request list takes the width; the admin's navigation opens over it from
    the button beside it, and closes again (Escape), without remembering it for wider screens."""
    account = next(a for a in DEMO_STAFF if a.group == "Accueil")
    context = chromium.new_context(viewport={"width": 1280, "height": 800}, locale="fr-FR")
    page = context.new_page()
    try:
        browser_login(page, live_server.url, account.email, DEMO_PASSWORD)
        page.goto(live_server.url + reverse("admin:accueil_intakerequest_changelist"))
        navigation = page.get_by_role("navigation", name="Menu de gestion")
        toggle = page.get_by_role("button", name="Menu de gestion")
        expect(toggle).to_be_visible()
        expect(toggle).to_have_attribute("aria-expanded", "false")
        expect(navigation).to_be_hidden()
        results = page.locator("#changelist .results")
        assert results.evaluate("box => box.scrollWidth - box.clientWidth") <= 0
        assert results.bounding_box()["width"] > 900
        toggle.click()
        expect(toggle).to_have_attribute("aria-expanded", "true")
        expect(navigation).to_be_visible()
        expect(navigation.get_by_role("link", name="Actualités")).to_have_count(0)  # Accueil's models only
        expect(navigation.get_by_role("link", name="Orientations")).to_be_visible()
        assert browser.sideways_scroll(page) <= 0
        browser.look(page, "gestion-navigation-ouverte")
        page.keyboard.press("Escape")
        expect(navigation).to_be_hidden()
        expect(toggle).to_be_focused()
        toggle.click()
        navigation.get_by_role("link", name="Orientations").click()
        expect(page).to_have_url(re.compile(r"/accueil/orientation/$"))
        # Wider, the navigation stays where the admin puts it, open (Django's own preference).
        page.set_viewport_size({"width": 1600, "height": 900})
        page.goto(live_server.url + reverse("admin:accueil_intakerequest_changelist"))
        expect(navigation).to_be_visible()
        assert page.evaluate("localStorage.getItem('django.admin.navSidebarIsOpen')") in (None, "true")
    finally:
        context.close()


def test_a_role_with_few_rights_sees_only_its_pages(demo_data):
    """The walk follows each person's rights: a role sees its own lists, not the others'."""
    communication = User.objects.get(groups__name="Communication")
    keys = {key[0] for key, _url in admin_pages(communication)}
    assert "communication.NewsArticle" in keys and "accueil.IntakeRequest" not in keys
    assert Permission.objects.filter(group__name="Communication", codename="view_intakerequest").count() == 0
