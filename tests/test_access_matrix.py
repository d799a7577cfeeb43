"""The access matrix: what every audience reaches, compared with the declaration.

For each staff role (a user in that group), a staff member without a role, an anonymous
visitor and two partner users, this walks
- every admin URL of every registered ModelAdmin: the list, add, change (on a real
  object), delete and history pages, every page its `get_urls()` adds and every action,
  and compares the answer with `cress/access.py` (allowed: 200, or a redirect that stays
  in the admin; refused: 403, or the login page for who is not staff);
- every private page of the public side (tracking and partner links, the partner's
  list and orientation pages, a structure's member page, the links of emails) and
  checks that only its holder gets in.
A model, an admin page or a public URL that is not declared fails a test here.
"""

import inspect
import uuid
from dataclasses import dataclass
from functools import cached_property

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accueil.models import IntakeRequest, Orientation, RequestErasure
from accueil.orientation import orient
from accueil.references import attach_reference
from accueil.services import transition_request
from annuaire.contributions import submit_claim
from annuaire.models import Claim, Contribution, Label, Organisation, PartnerMembership
from appartenance.badges import badge_token, revoke_badge
from appartenance.models_badges import EssVerification, Membership
from appartenance.models_guide import GuideAssessment
from appartenance.models_prix import PrixApplication
from communication.models import Delivery, NewsletterIssue, Subscriber
from comptes.models import User
from comptes.roles import ROLE_NAMES, SUPERUSER_ONLY
from comptes.services import issue_recovery_codes
from cress.access import MODEL_RULES, RULES_BY_MODEL, rights_of
from cress.models import PersonalDataRequest
from emplois.models import Application, Offer
from experimentations.experiments import add_document
from experimentations.models import AlertDelivery, FinancialTool
from experimentations.references import SOURCE_NAME
from formation.models import Complaint, RegistrationGroup
from observatoire.models import ImportKind, Millesime, Panorama, PanoramaRequest, PanoramaStatus, Publication
from observatoire.services import run_import, upload_import
from partenariats.conversation import post_partner_message
from partenariats.models import Convention
from referentiels.models import Territory, TerritoryKind
from tests.accueil.factories import make_request
from tests.annuaire.factories import OrganisationFactory
from tests.appartenance.factories import make_assessment, make_ready_report
from tests.appartenance.prix_factories import make_prix_rows
from tests.appartenance.resources_factories import make_resource
from tests.communication.factories import CategoryFactory, EventFactory, NewsFactory, TagFactory
from tests.comptes.factories import PASSWORD, StaffFactory, UserFactory
from tests.emplois.factories import job_board_rows
from tests.experimentations.factories import (
    PDF,
    FinancialToolFactory,
    make_alert,
    make_emailed_match,
    make_experiment,
    make_tool,
    posted_need,
)
from tests.formation.documents_helpers import make_registration, make_session
from tests.formation.hr_factories import make_hr_request, make_training
from tests.helpers.auth import confirmed_device, login_as
from tests.observatoire.factories import Row, establishment_file, make_siret
from tests.partenariats.factories import (
    make_amendment,
    make_commitment,
    make_committee,
    make_convention,
    make_decision,
    make_deliverable,
    make_partner,
)
from tests.territoires.factories import make_policy, sample_plan

pytestmark = pytest.mark.django_db

STANDARD_VIEWS = {"changelist": "view", "add": "add", "change": "view", "delete": "delete", "history": "view"}
PROJECT_APPS = {"accueil", "annuaire", "communication", "comptes", "messagerie", "referentiels"}
FORGED_TOKEN = "jeton-invente-0123456789abcdef"
POST_DATA = {"body": "", "comment": ""}  # what a form of a custom admin page sends, empty: it changes nothing


@dataclass(frozen=True)
class Audience:
    name: str
    role: str | None = None
    staff: bool = False
    partner_of: str = ""  # "own": member of the structure the orientation went to; "other": of another one

    def __str__(self):
        return self.name


AUDIENCES = [
    *(Audience(role, role=role, staff=True) for role in ROLE_NAMES),
    Audience("equipe-sans-role", staff=True),
    Audience("anonyme"),
    Audience("partenaire-autre-structure", partner_of="other"),
    Audience("partenaire-de-la-structure", partner_of="own"),
]


class UndefinedTemplateVariable(str):
    """The suite's guard (tests/conftest.py), less the variables third-party admin templates
    read without defining: simple_history's revert page prints {{ onclick_attrib }}."""

    third_party = {"onclick_attrib"}

    def __contains__(self, item):
        return item == "%s"

    def __mod__(self, variable):
        if str(variable) in self.third_party:
            return ""
        raise AssertionError(f"Variable de gabarit non définie : {variable!r}")


@pytest.fixture(autouse=True)
def _fail_on_undefined_template_variable(settings):
    templates = [dict(engine) for engine in settings.TEMPLATES]
    templates[0]["OPTIONS"] = {**templates[0]["OPTIONS"], "string_if_invalid": UndefinedTemplateVariable("%s")}
    settings.TEMPLATES = templates


def registered_admins():
    return [
        (model, admin.site.get_model_admin(model)) for model in apps.get_models() if admin.site.is_registered(model)
    ]


# --- The declaration covers the project -----------------------------------------------


def test_every_model_is_declared_once_and_every_declared_model_exists():
    installed = {model._meta.label for model in apps.get_models()}
    declared = [rule.model for rule in MODEL_RULES]
    assert len(declared) == len(set(declared)), "a model is declared twice"
    assert installed - set(declared) == set(), "models missing from cress/access.py MODEL_RULES"
    assert set(declared) - installed == set(), "models declared in cress/access.py that do not exist"
    registered = {model._meta.label for model, _model_admin in registered_admins()}
    assert registered <= set(declared)


def test_declared_rights_are_actions_of_known_roles_and_include_viewing():
    for rule in MODEL_RULES:
        for role, actions in rule.rights.items():
            assert role in ROLE_NAMES, (rule.model, role)
            assert set(actions) <= {"view", "add", "change", "delete"}, (rule.model, role)
            assert "view" in actions, f"{rule.model}: {role} acts on what it cannot see"
        for name, action in rule.admin_views.items():
            assert action in {SUPERUSER_ONLY, "view", "add", "change", "delete"}, (rule.model, name)


def test_every_custom_admin_page_is_declared_and_every_declared_page_exists():
    found = {}
    for model, model_admin in registered_admins():
        info = f"{model._meta.app_label}_{model._meta.model_name}"
        for pattern in model_admin.urls:
            if pattern.name and pattern.name not in {f"{info}_{suffix}" for suffix in STANDARD_VIEWS}:
                found[pattern.name] = model._meta.label
            if not pattern.name:
                assert str(pattern.pattern) == "<path:object_id>/", f"unnamed admin URL {pattern.pattern}"
    declared = {name: rule.model for rule in MODEL_RULES for name in rule.admin_views}
    assert found == declared, "custom admin pages and cress/access.py admin_views differ"


def test_every_action_of_the_project_says_which_permission_it_needs():
    for model, model_admin in registered_admins():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        for name in model_admin.actions or []:
            func = model_admin.get_action(name).func
            assert getattr(func, "allowed_permissions", ()), f"{model._meta.label}: action {name} has no permissions="


def test_the_groups_hold_exactly_the_declared_permissions():
    for role in ROLE_NAMES:
        held = {
            f"{p.content_type.app_label}.{p.codename}"
            for p in Group.objects.get(name=role).permissions.select_related("content_type")
        }
        wanted = {
            f"{rule.app_label}.{action}_{rule.model_name}"
            for rule in MODEL_RULES
            for action in rule.rights.get(role, ())
        }
        assert held == wanted, role


# --- The objects every page is tried on ---------------------------------------------------


@dataclass
class World:
    superuser: User
    organisation: Organisation
    other_organisation: Organisation
    intake: IntakeRequest
    tracking_token: str
    orientation: Orientation
    claim: Claim
    subscriber: Subscriber
    members: dict  # "own"/"other" -> partner user
    objects: dict  # model -> an instance to open

    @cached_property
    def superuser_client(self) -> Client:
        return login_as(Client(), self.superuser)


@pytest.fixture
def world():
    superuser = User.objects.create_superuser(email="admin@exemple.re", password=PASSWORD)
    organisation = OrganisationFactory(name="Kaz Initiatives", email="kaz@exemple.re", is_support_structure=True)
    other_organisation = OrganisationFactory(name="Incubateur Sud", email="sud@exemple.re")
    intake, token = make_request(title="Épicerie solidaire de Bras-Panon")
    transition_request(intake=intake, target="qualification")
    (orientation,) = orient(intake=intake, organisations=[organisation], by=None)
    members = {"own": UserFactory(email="membre@exemple.re"), "other": UserFactory(email="autre@exemple.re")}
    PartnerMembership.objects.create(user=members["own"], organisation=organisation)
    PartnerMembership.objects.create(user=members["other"], organisation=other_organisation)
    claim = submit_claim(
        organisation=organisation, name="Paul Hoarau", email="paul@exemple.re", position="Président",
        consent_text="J'accepte.",
    )  # fmt: skip
    Contribution.objects.create(
        kind=Contribution.Kind.CORRECTION, organisation=organisation, proposed={"phone": "0262 00 00 00"},
        contributor_name="Lise", contributor_email="lise@exemple.re", consent_text="J'accepte.",
        consent_at=timezone.now(),
    )  # fmt: skip
    Label.objects.create(name="Label de test", slug="label-de-test")
    for factory in (CategoryFactory, TagFactory, NewsFactory, EventFactory):
        factory()
    subscriber = Subscriber.objects.create(
        email="abonnee@exemple.re", status=Subscriber.Status.CONFIRMED, consent_text="J'accepte.",
        consent_at=timezone.now(),
    )  # fmt: skip
    Delivery.objects.create(issue=NewsletterIssue.objects.create(subject="Lettre de mars"), subscriber=subscriber)
    seen = {"username": "x@exemple.re", "ip_address": "192.0.2.1", "user_agent": "test", "http_accept": "*/*",
            "path_info": "/compte/connexion/"}  # fmt: skip
    AccessAttempt.objects.create(**seen, get_data="", post_data="", failures_since_start=1)
    AccessFailureLog.objects.create(**seen)
    AccessLog.objects.create(**seen)

    # Second factor of the superuser (an app and recovery codes), and an erasure's audit row.
    confirmed_device(superuser)
    issue_recovery_codes(user=superuser)
    RequestErasure.objects.create(reference="ESS-2026-00000", erased_by=superuser, reason="Demande du porteur.")
    PersonalDataRequest.objects.create(
        kind="recherche", email_digest="0" * 64, reference="courriel du 3 décembre", requested_by=superuser
    )

    # The observatory: a file imported (millésime, establishments, figures, a refused row).
    rows = establishment_file([Row(make_siret(1)), Row("123")])
    data_import = upload_import(
        kind=ImportKind.ESTABLISHMENTS, year=2024, upload=SimpleUploadedFile("f.csv", rows), by=superuser
    )
    run_import(import_id=data_import.pk)
    # A panorama built, asked for once, and published.
    region = Territory.objects.get(kind=TerritoryKind.REGION)
    panorama = Panorama(
        territory=region, millesime=Millesime.objects.get(year=2024), data_version=1, status=PanoramaStatus.READY
    )
    panorama.file.save("panorama.pdf", ContentFile(b"%PDF-1.4 panorama"))
    PanoramaRequest.objects.create(
        public_id=uuid.uuid4(), panorama=panorama, email="lectrice@exemple.re", consent_text="J'accepte."
    )
    publication = Publication(title="Panorama 2024", published_on=timezone.localdate(), summary="…", territory=region)
    publication.file.save("etude.pdf", ContentFile(b"%PDF-1.4 etude"))
    # Formation: an employer's HR request, a complaint about a training.
    make_hr_request()
    Complaint.objects.create(training=make_training(), description="Le support n'a pas été envoyé.")

    # Formation: a past session (trainer, training, half-days), a person present with a certificate file.
    session = make_session()
    trainee = make_registration(session, status="presente", assessment_result="atteints", certificate_number="AF-1")
    trainee.certificate_file.save("attestation.pdf", ContentFile(b"%PDF-1.4 attestation"))
    RegistrationGroup.objects.create(session=session, organisation_name="Ti Kaz", contact_email="ti@exemple.re")

    # Partenariats: a partner with a convention, a commitment, a committee with a decision.
    partner = make_partner(organisation=organisation)
    convention = make_convention(partner)
    commitment = make_commitment(convention, party=partner)
    make_decision(make_committee(convention), commitment=commitment)
    post_partner_message(convention=convention, author=members["own"], partner=partner, body="Bonjour.")
    make_amendment(convention)
    make_deliverable(commitment)
    # Territoires: a plan (axis, actions, indicator) and a PTCE.
    sample_plan()
    make_policy(kind="ptce", members=[("ess", "Ressourcerie du Sud")])
    # Expérimentations: a published financial tool (its log has the publication).
    FinancialToolFactory(provider=organisation)
    # Achats responsables: a buyer's need submitted.
    posted_need()
    # Expérimentations: an experiment (indicator, measures, a document); a tool suggested on the request.
    experiment = make_experiment(partners=[organisation])
    add_document(experiment=experiment, title="Bilan", upload=SimpleUploadedFile("bilan.pdf", PDF), is_public=True)
    attach_reference(intake=intake, source=SOURCE_NAME, key=str(make_tool().pk), by=superuser)
    # An alert on the tools (confirmed) and what it was sent.
    alert = make_alert("alerte@exemple.re")
    AlertDelivery.objects.create(alert=alert, tool=FinancialTool.objects.first(), kind=AlertDelivery.Kind.NEW)
    # Expérimentations: a need sent to a supplier.
    make_emailed_match()
    # Emplois: a published offer, an application, an alert and what it was sent.
    job_board_rows(organisation)
    make_ready_report(make_assessment(organisation))
    # Appartenance: the organisation is a member with a verified ESS status; its badge revoked once.
    Membership.objects.create(organisation=organisation, year=timezone.localdate().year)
    EssVerification.objects.create(organisation=organisation, verified_by=superuser)
    revoke_badge(organisation=organisation, by=superuser)
    # L'ESS et vous: a resource of the resource centre.
    make_resource("Guide de la gouvernance associative")
    # The Prix de l'ESS: the organisation applied (a file); a juror declared the other one.
    make_prix_rows(
        organisation=organisation, member=members["own"], other_organisation=other_organisation,
        other_member=members["other"],
    )  # fmt: skip

    objects = {model: model.objects.order_by("pk").first() for model, _model_admin in registered_admins()}
    objects[User] = StaffFactory(role=ROLE_NAMES[0], email="collegue@exemple.re")  # not a superuser
    objects[Group] = Group.objects.get(name=ROLE_NAMES[0])
    missing = [model._meta.label for model, obj in objects.items() if obj is None]
    assert not missing, f"make an object of {missing} in this fixture"
    return World(
        superuser, organisation, other_organisation, intake, token, orientation, claim, subscriber, members, objects
    )


def client_for(audience: Audience, world: World) -> Client:
    client = Client()
    if audience.staff:
        login_as(client, StaffFactory(role=audience.role, email="personne-testee@exemple.re"))
    elif audience.partner_of:
        login_as(client, world.members[audience.partner_of])
    return client


# --- Admin ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class AdminPage:
    url: str
    name: str
    model: str
    required: str | None  # an action of cress/access.py, or SUPERUSER_ONLY
    kind: str  # changelist, add, change, delete, history or custom


def _arguments(pattern, obj) -> tuple[list, dict]:
    """The URL's arguments: named groups by name, unnamed ones by the view's parameter names."""
    named = list(pattern.pattern.regex.groupindex)
    if not named and pattern.pattern.regex.groups:
        parameters = list(inspect.signature(pattern.callback).parameters)[1:]  # after request
        positional = parameters[: pattern.pattern.regex.groups]
    else:
        positional = []
    values = {}
    for name in named + positional:
        if name in {"object_id", "pk", "id"}:
            values[name] = obj.pk
        elif name == "session_id":
            values[name] = obj.session_id  # a registration's pages of its session
        elif name == "convention_id":
            values[name] = obj.convention_id  # a message's page of its convention
        elif name == "need_id":
            values[name] = obj.need_id  # a supplier match's page of its need
        elif name == "target":
            values[name] = "etat-inexistant"  # reaches the permission check, changes nothing
        elif name in {"amendment_id", "deliverable_id"}:  # a convention's amendment, a commitment's deliverable
            values[name] = getattr(obj, name.replace("_id", "s")).order_by("pk").first().pk
        elif name == "version_id":
            values[name] = obj.history.order_by("history_id").first().history_id
        else:
            raise AssertionError(f"admin URL {pattern.name}: say which value to give <{name}>")
    return [values[name] for name in positional], {name: values[name] for name in named}


def admin_pages(world: World) -> list[AdminPage]:
    pages = []
    for model, model_admin in registered_admins():
        label, info = model._meta.label, f"{model._meta.app_label}_{model._meta.model_name}"
        for pattern in model_admin.urls:
            if not pattern.name:
                continue
            kind = next((s for s in STANDARD_VIEWS if pattern.name == f"{info}_{s}"), "custom")
            required = STANDARD_VIEWS[kind] if kind != "custom" else RULES_BY_MODEL[label].admin_views[pattern.name]
            args, kwargs = _arguments(pattern, world.objects[model])
            url = reverse(f"admin:{pattern.name}", args=args or None, kwargs=kwargs or None)
            pages.append(AdminPage(url, pattern.name, label, required, kind))
    return pages


_METHOD = {}  # custom admin URL name -> "get" or "post", or None when nobody reaches it


def method_for(page: AdminPage, world: World) -> str | None:
    """The list, add, change, delete and history pages answer a GET. A custom page that
    acts takes a POST (a GET is refused to everyone): a superuser finds which, once."""
    if page.kind != "custom":
        return "get"
    if page.name not in _METHOD:
        _METHOD[page.name] = None
        for method in ("get", "post"):
            response = getattr(world.superuser_client, method)(page.url, POST_DATA if method == "post" else {})
            if reached(response):
                _METHOD[page.name] = method
                break
    return _METHOD[page.name]


def admin_root():
    return f"/{settings.ADMIN_URL}"


def reached(response) -> bool:
    if response.status_code == 200:
        return True
    location = response.headers.get("Location", "")
    return response.status_code == 302 and location.startswith(admin_root()) and "/login/" not in location


def refused(response, audience: Audience, *, not_found_ok=False) -> bool:
    if not audience.staff:
        location = response.headers.get("Location", "")
        return response.status_code == 302 and location.startswith(reverse("admin:login"))
    return response.status_code == 403 or (not_found_ok and response.status_code == 404)


def rights(audience: Audience, model: str) -> tuple[str, ...]:
    return rights_of(audience.role, model) if audience.role else ()


def allowed(audience: Audience, page: AdminPage) -> bool:
    return audience.staff and page.required is not SUPERUSER_ONLY and page.required in rights(audience, page.model)


def _action_ran(response) -> bool:
    """An action ran if it answered with its own page, or redirected without the admin's
    « no action selected » warning."""
    if response.status_code == 200:
        return "admin/change_list.html" not in {template.name for template in response.templates}
    with translation.override(settings.LANGUAGE_CODE):
        warning = translation.gettext("No action selected.")
        return response.status_code == 302 and warning not in {str(m) for m in get_messages(response.wsgi_request)}


def actions_of(model_admin):
    if model_admin.actions is None:
        return []
    names = [name for name, _func in admin.site.actions] + [
        action if isinstance(action, str) else action.__name__ for action in model_admin.actions
    ]
    return [model_admin.get_action(name) for name in dict.fromkeys(names)]


def check_admin(client, audience: Audience, world: World) -> list[str]:
    problems = []
    root = admin_root()
    for url in (root, reverse("admin:password_change")):
        response = client.get(url)
        if not (reached(response) if audience.staff else refused(response, audience)):
            problems.append(f"{url}: {response.status_code}")
    for app_label in sorted({model._meta.app_label for model, _model_admin in registered_admins()}):
        visible = audience.staff and any(
            rights(audience, model._meta.label)
            for model, _ in registered_admins()
            if model._meta.app_label == app_label
        )
        response = client.get(reverse("admin:app_list", args=[app_label]))
        if not (reached(response) if visible else refused(response, audience, not_found_ok=True)):
            problems.append(f"{app_label} (index de l'application): {response.status_code}, attendu {visible}")

    for page in admin_pages(world):
        method = method_for(page, world)
        if method is None:
            problems.append(f"{page.url}: même un superutilisateur n'y accède pas")
            continue
        response = getattr(client, method)(page.url, POST_DATA if method == "post" else {})
        expected = allowed(audience, page)
        if not (reached(response) if expected else refused(response, audience)):
            problems.append(f"{method.upper()} {page.url} [{page.model} {page.kind}]: {response.status_code}")
        elif expected and page.kind == "change" and "change" not in rights(audience, page.model):
            html = response.content.decode()
            if 'name="_save"' in html:
                problems.append(f"{page.url}: lecture seule, mais le bouton Enregistrer est là")

    # Actions last: an allowed one may change the objects the pages above were tried on.
    for model, model_admin in registered_admins():
        label, obj = model._meta.label, world.objects[model]
        changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for action in actions_of(model_admin):
            func, name = action.func, action.name
            needed = set(getattr(func, "allowed_permissions", ())) | {"view"}
            assert needed <= {"view", "add", "change", "delete"}, f"{label}.{name}: map its permission here"
            expected = audience.staff and needed <= set(rights(audience, label))
            client.cookies.pop("messages", None)  # only this request's messages tell whether it ran
            response = client.post(changelist, {"action": name, "_selected_action": [obj.pk], "index": 0})
            if not audience.staff:
                ok = refused(response, audience)
            elif "view" not in rights(audience, label):
                ok = response.status_code == 403
            else:
                ok = _action_ran(response) == expected
            if not ok:
                problems.append(f"action {label}.{name}: {response.status_code}, attendu {expected}")
    return problems


# --- Private pages of the public side -------------------------------------------------------

# Every named URL outside the admin is here: open to all, or private and checked below.
PUBLIC_URLS = {
    "home", "healthz", "robots", "security-txt", "sitemap", "sitemap-section", "mentions-legales",
    "donnees-personnelles", "accessibilite", "accessibilite-grille", "plan-du-site", "securite",
    "comptes:connexion", "comptes:deconnexion", "comptes:mot-de-passe-oublie", "comptes:mot-de-passe-envoye",
    "comptes:mot-de-passe-change",
    "api:structures", "api:structure", "api:schema",
    "annuaire:index", "annuaire:structure", "annuaire:carte-donnees", "annuaire:export-csv",
    "annuaire:export-geojson", "annuaire:donnees", "annuaire:widget", "annuaire:proposer", "annuaire:corriger",
    "annuaire:revendiquer",
    "actualites:index", "actualites:rss", "actualites:atom", "actualites:lettre-inscription", "actualites:article",
    "agenda:index", "agenda:archives", "agenda:ce-mois", "agenda:mois", "agenda:ical", "agenda:evenement",
    "agenda:evenement-ics",
    "territoires:index", "territoires:territoire", "a-propos",
    "territoires:plans", "territoires:plan", "territoires:plan-pdf", "territoires:politiques",
    "territoires:politique",
    "observatoire:index", "observatoire:explorer", "observatoire:explorer-csv", "observatoire:explorer-json",
    "observatoire:methode", "observatoire:portraits", "observatoire:portrait", "observatoire:niches",
    "observatoire:bonnes-pratiques",
    "observatoire:panorama", "observatoire:panorama-suivi", "observatoire:publications",
    "observatoire:publication-fichier",
    "accueil:index", "accueil:guide", "accueil:envoyee", "accueil:etape", "accueil:nouveau-lien",
    "accueil:activites",
    "formation:index", "formation:formation",
    "formation:inscription", "formation:inscription-groupe", "formation:structures",
    "formation:appui-rh", "formation:appui-rh-envoyee", "formation:appui-rh-structures",
    "formation:appui-rh-nouveau-lien",
    "partenariats:index", "partenariats:compte-rendu-nouveau-lien", "partenariats:partenaire", "partenariats:logo",
    "emplois:index", "emplois:offer", "emplois:feed",
    "emplois:metiers",
    "emplois:metier",
    "emplois:apply", "emplois:apply-sent", "emplois:application-new-link",
    "emplois:alert-new",
    "emplois:competences", "emplois:competences-envoye", "emplois:competences-nouveau-lien",
    "experimentations:index", "experimentations:tools", "experimentations:tool", "experimentations:tools-csv",
    "experimentations:tools-json", "experimentations:finder",
    "experimentations:need-new", "experimentations:need-posted",
    "experimentations:needs-inspiring",
    "experimentations:experiments", "experimentations:experiment",
    "experimentations:experiment-document",
    "experimentations:alert-new",
    "appartenance:index", "appartenance:guide",
    "appartenance:autodiagnostic", "appartenance:autodiagnostic-resultat", "appartenance:autodiagnostic-suivi",
    "appartenance:badge-svg", "appartenance:badge-png", "appartenance:badge-verification",
    "appartenance:resources", "appartenance:resource", "appartenance:resource-download",
    "appartenance:prix", "appartenance:prix-campaign", "appartenance:prix-laureates",
}  # fmt: skip
PRIVATE_URLS = {
    "accueil:suivi", "accueil:retrait", "accueil:partenaire", "accueil:partenaire-liste",
    "accueil:partenaire-orientation", "accueil:partenaire-document", "accueil:partenaire-orientation-document",
    "annuaire:modifier", "annuaire:confirmer", "actualites:lettre-confirmation",
    "actualites:lettre-desinscription",
    "comptes:mot-de-passe-nouveau", "comptes:activation", "comptes:apres-connexion",
    "comptes:verification", "comptes:double-authentification", "comptes:activation-double-authentification",
    "mon-espace",
    "observatoire:panorama-telechargement", "observatoire:panorama-fichier",
    "formation:appui-rh-suivi",
    "formation:mon-inscription", "formation:attestation", "formation:attestation-fichier",
    "formation:mon-inscription-attestation",
    "formation:convocation", "formation:questionnaire",
    "partenariats:compte-rendu", "partenariats:compte-rendu-fichier",
    "partenariats:espace", "partenariats:espace-convention", "partenariats:espace-convention-fichier",
    "partenariats:espace-avenant-fichier", "partenariats:espace-engagement", "partenariats:espace-livrable",
    "partenariats:espace-compte-rendu",
    "experimentations:need-buyer", "experimentations:need-edit",
    "experimentations:alert-confirm", "experimentations:alert-unsubscribe",
    "experimentations:supplier", "experimentations:supplier-need",
    "emplois:application-employer", "emplois:application-employer-file", "emplois:application-candidate",
    "emplois:application-member", "emplois:application-member-file",
    "emplois:alert-confirm", "emplois:alert-unsubscribe",
    "emplois:employer", "emplois:employer-new", "emplois:employer-offer", "emplois:employer-edit",
    "emplois:employer-duplicate", "emplois:employer-move",
    "emplois:competences-dossier", "emplois:competences-experience-ajout", "emplois:competences-experience",
    "emplois:competences-synthese", "emplois:competences-effacer",
    # The good-practices guide: the members of the organisation only (check_private_pages).
    "appartenance:guide-start", "appartenance:guide-assessment", "appartenance:guide-theme",
    "appartenance:guide-action-new", "appartenance:guide-action-status",
    "appartenance:guide-report", "appartenance:guide-report-state", "appartenance:guide-report-file",
    "appartenance:badges-membre",
    # The Prix de l'ESS: an organisation's application, its members only; the jury's pages, its jurors only.
    "appartenance:prix-start", "appartenance:prix-application", "appartenance:prix-application-files",
    "appartenance:prix-attachment", "appartenance:prix-jury", "appartenance:prix-jury-conflict",
    "appartenance:prix-jury-application", "appartenance:prix-jury-export", "appartenance:prix-jury-json",
}  # fmt: skip


def _url_names(patterns, namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            if entry.namespace != "admin":
                yield from _url_names(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}" if entry.name else f"(sans nom) {entry.pattern}"


def test_every_public_url_is_declared_open_or_private():
    # Unnamed on purpose: the benchmark's bare layout, and the catch-all that answers the
    # API's JSON 404 under /api/ (public, it serves nothing).
    names = set(_url_names(get_resolver().url_patterns)) - {"(sans nom) _bench/gabarit/", "(sans nom) ^api/"}
    assert names - PUBLIC_URLS - PRIVATE_URLS == set(), "new URL: add it to PUBLIC_URLS or check it as private"
    assert (PUBLIC_URLS | PRIVATE_URLS) - names == set()


def check_private_pages(client, audience: Audience, world: World) -> list[str]:
    problems = []
    login = reverse(settings.LOGIN_URL)
    member = audience.partner_of == "own"

    def expect(label, response, ok):
        if not ok:
            problems.append(f"{label}: {response.status_code} {response.headers.get('Location', '')}")

    def needs_login(response):
        return response.status_code == 302 and response.headers["Location"].startswith(login)

    # Links that are their own key: a forged one opens nothing, for staff as for anyone.
    for name in (
        "accueil:suivi", "accueil:retrait", "accueil:partenaire", "actualites:lettre-confirmation",
        "observatoire:panorama-telechargement", "observatoire:panorama-fichier", "formation:mon-inscription",
        "formation:appui-rh-suivi",
        "formation:attestation", "formation:attestation-fichier", "formation:mon-inscription-attestation",
        "partenariats:compte-rendu", "partenariats:compte-rendu-fichier",
        "experimentations:need-buyer", "experimentations:need-edit",
        "experimentations:alert-confirm", "experimentations:alert-unsubscribe",
        "experimentations:supplier", "experimentations:supplier-need",
        "emplois:application-employer", "emplois:application-candidate",
        "emplois:alert-confirm", "emplois:alert-unsubscribe",
        "emplois:competences-dossier", "emplois:competences-experience-ajout", "emplois:competences-synthese",
        "emplois:competences-effacer",
    ):  # fmt: skip
        response = client.get(reverse(name, args=[FORGED_TOKEN]))
        expect(f"{name} (faux lien)", response, response.status_code == 404)
    response = client.get(reverse("accueil:partenaire-document", args=[FORGED_TOKEN, world.orientation.pk]))
    expect("accueil:partenaire-document (faux lien)", response, response.status_code == 404)
    response = client.post(reverse("accueil:retrait", args=[FORGED_TOKEN]), {"reason": "x"})
    expect("retrait (faux lien)", response, response.status_code == 404)
    response = client.post(reverse("actualites:lettre-desinscription", args=[FORGED_TOKEN]))
    expect("désinscription (faux lien)", response, response.status_code == 404)
    for name in (
        "experimentations:alert-confirm", "experimentations:alert-unsubscribe",
        "emplois:alert-confirm", "emplois:alert-unsubscribe",
    ):  # fmt: skip
        response = client.post(reverse(name, args=[FORGED_TOKEN]))
        expect(f"{name} (faux lien, POST)", response, response.status_code == 404)
    response = client.get(reverse("emplois:application-employer-file", args=[FORGED_TOKEN, "cv"]))
    expect("emplois:application-employer-file (faux lien)", response, response.status_code == 404)
    for name in ("emplois:application-employer", "emplois:application-candidate"):
        response = client.post(reverse(name, args=[FORGED_TOKEN]), {"action": "retirer", "confirmation": "oui"})
        expect(f"{name} (faux lien, POST)", response, response.status_code == 404)
    response = client.post(reverse("formation:mon-inscription", args=[FORGED_TOKEN]), {"action": "annuler"})
    expect("mon inscription (faux lien, POST)", response, response.status_code == 404)
    response = client.post(reverse("annuaire:confirmer", args=[FORGED_TOKEN]))
    expect("confirmation de revendication (faux lien)", response, response.status_code == 400)
    response = client.get(reverse("formation:convocation", args=[FORGED_TOKEN]))
    expect("formation:convocation (faux lien)", response, response.status_code == 404)
    for kind in ("chaud", "froid"):
        page = reverse("formation:questionnaire", args=[kind, FORGED_TOKEN])
        response = client.get(page)
        expect(f"formation:questionnaire {kind} (faux lien)", response, response.status_code == 404)
        response = client.post(page, {"satisfaction": "5", "objectives_met": "5", "applied_at_work": "oui"})
        expect(f"formation:questionnaire {kind} (faux lien, POST)", response, response.status_code == 404)
    for name in ("comptes:mot-de-passe-nouveau", "comptes:activation"):
        uid = urlsafe_base64_encode(force_bytes(world.superuser.pk))
        response = client.get(reverse(name, args=[uid, "cz3n4b-0123456789abcdef0123456789abcdef"]))
        expect(f"{name} (faux lien)", response, 'name="new_password1"' not in response.content.decode())
    # The real tracking link opens the page whoever holds it: the link is the key.
    response = client.get(reverse("accueil:suivi", args=[world.tracking_token]))
    expect("accueil:suivi (vrai lien)", response, response.status_code == 200)

    # Pages behind a login.
    response = client.get(reverse("accueil:partenaire-liste"))
    if audience.staff or audience.partner_of:
        shows = world.intake.title in response.content.decode()
        expect("accueil:partenaire-liste", response, response.status_code == 200 and shows == member)
    else:
        expect("accueil:partenaire-liste", response, needs_login(response))
    page = reverse("accueil:partenaire-orientation", args=[world.orientation.pk])
    response = client.get(page)
    if member:
        expect("accueil:partenaire-orientation", response, response.status_code == 200)
    elif audience.staff or audience.partner_of:
        expect("accueil:partenaire-orientation", response, response.status_code == 404)
        response = client.post(page, {"action": "accepter"})
        expect("accueil:partenaire-orientation (POST)", response, response.status_code == 404)
    else:
        expect("accueil:partenaire-orientation", response, needs_login(response))
    # The partner space: a convention of the structure's partner (full table: tests/partenariats/test_espace_access.py).
    page = reverse("partenariats:espace-convention", args=[Convention.objects.get().pk])
    response = client.get(page)
    if member:
        expect("partenariats:espace-convention", response, response.status_code == 200)
    elif audience.staff or audience.partner_of:
        expect("partenariats:espace-convention", response, response.status_code == 404)
    else:
        expect("partenariats:espace-convention", response, needs_login(response))
    # Emplois: an application to an offer of the structure, in its members' space only.
    application = Application.objects.get(offer__organisation=world.organisation)
    for name, args in (
        ("emplois:application-member", [application.pk]),
        ("emplois:application-member-file", [application.pk, "cv"]),
    ):
        response = client.get(reverse(name, args=args))
        if member:
            expect(name, response, response.status_code == 200)
        elif audience.staff or audience.partner_of:
            expect(name, response, response.status_code == 404)
        else:
            expect(name, response, needs_login(response))
    if not member:
        response = client.post(reverse("emplois:application-member", args=[application.pk]), {"action": "retenir"})
        expect("emplois:application-member (POST)", response, response.status_code in (302, 404))
        application.refresh_from_db()
        expect("emplois:application-member (POST, rien changé)", response, application.status == "vue")
    edit = reverse("annuaire:modifier", args=[world.organisation.slug])
    response = client.get(edit)
    if member:
        expect("annuaire:modifier", response, response.status_code == 200)
    elif audience.staff or audience.partner_of:
        expect("annuaire:modifier", response, response.status_code == 403)
        response = client.post(edit, {"name": "Fiche prise", "email": "pirate@exemple.re"})
        expect("annuaire:modifier (POST)", response, response.status_code == 403)
    else:
        expect("annuaire:modifier", response, needs_login(response))
    # The employer's space: members of an organisation only (full table: tests/emplois/test_employer_space.py).
    response = client.get(reverse("emplois:employer"))
    if audience.partner_of:
        expect("emplois:employer", response, response.status_code == 200)
    elif audience.staff:
        expect("emplois:employer", response, response.status_code == 403)
    else:
        expect("emplois:employer", response, needs_login(response))
    response = client.get(reverse("emplois:employer-new"))
    if audience.partner_of:
        expect("emplois:employer-new", response, response.status_code == 200)
    elif audience.staff:
        expect("emplois:employer-new", response, response.status_code == 403)
    else:
        expect("emplois:employer-new", response, needs_login(response))
    job_offer = Offer.objects.filter(organisation=world.organisation).order_by("pk").first()
    for name, method, args in (
        ("emplois:employer-offer", "get", [job_offer.pk]),
        ("emplois:employer-edit", "get", [job_offer.pk]),
        ("emplois:employer-duplicate", "post", [job_offer.pk]),
        ("emplois:employer-move", "post", [job_offer.pk, "pourvue"]),
    ):
        if member and method == "post":
            continue  # it would change the offer: tests/emplois/test_employer_space.py
        response = getattr(client, method)(reverse(name, args=args))
        if member:
            # The edit page of a published offer sends back to the offer's page.
            expect(name, response, response.status_code in (200, 302) and not needs_login(response))
        elif audience.staff or audience.partner_of:
            expect(name, response, response.status_code == 404)
        else:
            expect(name, response, needs_login(response))
    # The good-practices guide: an organisation's assessment, its members only (tests/appartenance/test_guide.py).
    assessment = GuideAssessment.objects.get(organisation=world.organisation)
    action = assessment.actions.first()
    for name, method, args in (
        ("appartenance:guide-assessment", "get", [assessment.organisation_id, assessment.year]),
        ("appartenance:guide-theme", "get", [assessment.organisation_id, assessment.year, "gouvernance"]),
        ("appartenance:guide-theme", "post", [assessment.organisation_id, assessment.year, "gouvernance"]),
        ("appartenance:guide-action-new", "post", [assessment.organisation_id, assessment.year]),
        ("appartenance:guide-action-status", "post", [assessment.organisation_id, assessment.year, action.pk]),
        ("appartenance:guide-report", "get", [assessment.organisation_id, assessment.year]),
        ("appartenance:guide-report", "post", [assessment.organisation_id, assessment.year]),
        ("appartenance:guide-report-state", "get", [assessment.organisation_id, assessment.year]),
        ("appartenance:guide-report-file", "get", [assessment.organisation_id, assessment.year]),
    ):
        if member and method == "post":
            continue  # it would change the assessment: tests/appartenance/test_guide.py
        response = getattr(client, method)(reverse(name, args=args))
        if member:
            expect(name, response, response.status_code == 200)
        elif audience.staff or audience.partner_of:
            expect(f"{name} ({method})", response, response.status_code == 404)
        else:
            expect(f"{name} ({method})", response, needs_login(response))
    response = client.post(reverse("appartenance:guide-start"), {"organisation": world.organisation.pk})
    if audience.staff or audience.partner_of:
        expect("appartenance:guide-start", response, response.status_code == 302)
    else:
        expect("appartenance:guide-start", response, needs_login(response))
    # The badge's snippets: a structure's members see its own, nobody else does.
    response = client.get(reverse("appartenance:badges-membre"))
    own_badge = badge_token(world.organisation.pk, 2)
    if audience.staff or audience.partner_of:
        expect("appartenance:badges-membre", response, response.status_code == 200)
        expect(
            "appartenance:badges-membre (sa structure seule)",
            response,
            (own_badge in response.content.decode()) == member,
        )
    else:
        expect("appartenance:badges-membre", response, needs_login(response))
    # « Mon espace »: each person's own organisations only.
    response = client.get(reverse("mon-espace"))
    own_entry = reverse("annuaire:modifier", args=[world.organisation.slug])
    if audience.staff or audience.partner_of:
        expect("mon-espace", response, response.status_code == 200)
        expect("mon-espace (sa structure seule)", response, (own_entry in response.content.decode()) == member)
    else:
        expect("mon-espace", response, needs_login(response))
    # The Prix de l'ESS: the application of the organisation, its members only; its file, also
    # staff who read applications; the jury's pages, the campaign's jurors only (none here).
    application = PrixApplication.objects.get(organisation=world.organisation)
    attachment = application.attachments.get()
    reads_applications = audience.staff and "view" in rights(audience, "appartenance.PrixApplication")
    for name, args, member_status in (
        ("appartenance:prix-application", [application.pk], 200),
        ("appartenance:prix-application-files", [application.pk], 302),  # submitted: back to the application
        ("appartenance:prix-attachment", [application.pk, attachment.pk], 200),
    ):
        response = client.get(reverse(name, args=args))
        if member or (reads_applications and name == "appartenance:prix-attachment"):
            expect(name, response, response.status_code == member_status and not needs_login(response))
        elif audience.staff or audience.partner_of:
            expect(name, response, response.status_code == 404)
        else:
            expect(name, response, needs_login(response))
    if not member:
        response = client.post(reverse("appartenance:prix-application", args=[application.pk]), {"summary": "Pris"})
        expect("appartenance:prix-application (POST)", response, response.status_code in (302, 404))
    year = application.campaign.year
    for name, method, args in (
        ("appartenance:prix-jury", "get", [year]),
        ("appartenance:prix-jury-export", "get", [year]),
        ("appartenance:prix-jury-json", "get", [year]),
        ("appartenance:prix-jury-application", "get", [year, application.pk]),
        ("appartenance:prix-jury-application", "post", [year, application.pk]),
        ("appartenance:prix-jury-conflict", "post", [year]),
    ):
        response = getattr(client, method)(reverse(name, args=args))
        if audience.staff or audience.partner_of:
            expect(f"{name} ({method})", response, response.status_code == 404)
        else:
            expect(f"{name} ({method})", response, needs_login(response))
    response = client.post(reverse("appartenance:prix-start", args=[year]), {"organisation": world.organisation.pk})
    if audience.staff or audience.partner_of:
        expect("appartenance:prix-start", response, response.status_code == 302 and not needs_login(response))
    else:
        expect("appartenance:prix-start", response, needs_login(response))
    # Second-factor pages: one's own only, after a password login.
    for name in ("comptes:double-authentification", "comptes:activation-double-authentification"):
        response = client.get(reverse(name))
        if audience.staff or audience.partner_of:
            expect(name, response, response.status_code in (200, 302) and not needs_login(response))
        else:
            expect(name, response, needs_login(response))
    response = client.get(reverse("comptes:verification"))
    expect("comptes:verification", response, response.status_code == 302 or audience.staff)
    response = client.get(reverse("comptes:apres-connexion"))
    if audience.staff:
        expect("comptes:apres-connexion", response, response.headers.get("Location") == admin_root())
    elif audience.partner_of:
        expect(
            "comptes:apres-connexion", response, response.headers.get("Location") == reverse("accueil:partenaire-liste")
        )
    else:
        expect("comptes:apres-connexion", response, needs_login(response))
    return problems


# --- The walk ----------------------------------------------------------------------------------


@pytest.mark.parametrize("audience", AUDIENCES, ids=str)
def test_each_audience_reaches_exactly_what_is_declared(audience, world):
    client = client_for(audience, world)
    before = (world.orientation.status, world.claim.status, world.organisation.name)
    problems = check_private_pages(client, audience, world) + check_admin(client, audience, world)
    assert problems == [], "\n".join(problems)

    # Nothing a refused page was asked to do happened.
    for obj in (world.orientation, world.claim, world.organisation):
        obj.refresh_from_db()
    assert (world.orientation.status, world.claim.status, world.organisation.name) == before
