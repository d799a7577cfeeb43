"""The access matrix: what every audience reaches on the portal, in one table.

Two halves, one test per audience (`test_each_audience_reaches_exactly_what_is_declared`):

1. The private pages of the public side: the table `PRIVATE_PAGES` below. How to read it:
   - each `Row` is one request: a URL name, its arguments (`TOKEN` stands for the private
     link the visitor holds), the method (GET unless told) and what each audience gets;
   - the audiences (columns) are in `AUDIENCES`: who holds no account (anonyme, the holder
     of a private link with the right, a forged or an expired token, two buyers, a trainee),
     the partners of structure A (the one every orientation, convention, offer… belongs
     to) and of structure B, each staff role, staff without a role and a superuser;
   - `expect` maps a column, or a group of columns (« sans-compte », « partenaire »,
     « equipe »), or « * » (everyone else) to an outcome: OK (200), LOGIN (sent to the
     login page), NOT_FOUND (404), FORBIDDEN (403), REDIRECT (302 elsewhere), a check on
     the page's content (`shows`, `own_only`, `hides`), or NOT_TRIED (the request would change
     what later rows read: its own test file covers it). The most precise key wins;
   - what a row does not say: on a row that carries a private link (`link=`), whoever holds
     that link gets 200 and everyone else 404; on a page behind a login, everyone without an
     account is sent to the login page and everyone else gets 404;
   - who holds which link: « porteur » the right token of the row's link, « porteur-mauvais-
     jeton » a forged one, « porteur-jeton-expire » a real one past its expiry; the buyers
     and the trainee hold their own links (`HELD`, `World.links[...].held`); every other audience
     holds none and tries a forged token (a session, staff or partner, opens no link). A
     row with `shared=True` gives everyone the right token: the link is the key.
   To extend it: a new private URL name goes in PRIVATE_URLS and gets at least one row (a
   test says so); a new private link gets its right and expired tokens in the `world`
   fixture (`World.links`).

2. The admin: for each staff audience, every admin URL of every registered ModelAdmin (the
   list, add, change, delete and history pages, every page its `get_urls()` adds and every
   action) compared with `cress/access.py` (allowed: 200, or a redirect that stays in the
   admin; refused: 403). The audiences without a staff account are sent to the admin's
   login page: the partners and the anonymous visitor on every page, the link holders on
   the admin's index, each application's index and each model's list. The superuser only
   checks the admin's and each application's index: nothing is declared for it to compare.

A model, an admin page or a public URL that is not declared fails a test here.
"""

import inspect
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import cached_property

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.contrib.messages import get_messages
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accueil.models import IntakeRequest, Orientation, RequestErasure
from accueil.orientation import PARTNER_LINK, orient
from accueil.references import attach_reference
from accueil.services import TRACKING_LINK, add_attachment, transition_request
from annuaire.contributions import CLAIM_LINK, submit_claim
from annuaire.models import Claim, Contribution, Label, Organisation, PartnerMembership
from appartenance.badges import badge_token, revoke_badge
from appartenance.models_badges import EssVerification, Membership
from appartenance.models_guide import GuideAssessment
from appartenance.models_prix import PrixApplication
from communication import newsletter
from communication.models import Delivery, NewsletterIssue, Subscriber
from comptes.models import User
from comptes.roles import ROLE_NAMES, SUPERUSER_ONLY
from comptes.services import issue_recovery_codes
from comptes.tokens import ActivationTokenGenerator, activation_token_generator
from cress.access import MODEL_RULES, RULES_BY_MODEL, rights_of
from cress.models import PersonalDataRequest
from emplois import alerts as job_alerts
from emplois.applications import CANDIDATE_LINK, EMPLOYER_LINK
from emplois.models import Application, Offer
from emplois.models_skills import SkillsRecord
from emplois.skills import RECORD_LINK
from experimentations import alerts as tool_alerts
from experimentations.batches import SUPPLIER_LINK
from experimentations.experiments import add_document
from experimentations.models import AlertDelivery, FinancialTool
from experimentations.needs import NEED_LINK
from experimentations.references import SOURCE_NAME
from formation.documents import CERTIFICATE_LINK
from formation.hr import HR_LINK
from formation.models import Complaint, RegistrationGroup
from formation.registrations import REGISTRATION_LINK
from formation.schedule import CONVOCATION_LINK, SURVEY_LINK
from lib.tokens import new_token
from messagerie.links import issue_token
from observatoire.models import (
    ImportKind,
    Millesime,
    MillesimeState,
    Panorama,
    PanoramaRequest,
    PanoramaStatus,
    Publication,
)
from observatoire.panoramas import PANORAMA_LINK
from observatoire.services import run_import, transition_millesime, upload_import
from partenariats.committees import MINUTES_LINK
from partenariats.conversation import post_partner_message
from partenariats.models import Committee
from referentiels.models import Territory, TerritoryKind
from tests.accueil.factories import make_request
from tests.annuaire.factories import OrganisationFactory
from tests.appartenance.factories import make_assessment, make_ready_report
from tests.appartenance.prix_factories import make_prix_rows
from tests.appartenance.resources_factories import make_resource
from tests.communication.factories import CategoryFactory, EventFactory, NewsFactory, TagFactory
from tests.comptes.factories import PASSWORD, StaffFactory, UserFactory
from tests.emplois.factories import job_board_rows, make_job_alert
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
from tests.observatoire.factories import Row as EstablishmentRow
from tests.observatoire.factories import establishment_file, make_siret
from tests.partenariats.factories import (
    make_amendment,
    make_commitment,
    make_committee,
    make_convention,
    make_decision,
    make_deliverable,
    make_participant,
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
    group: str  # "sans-compte", "partenaire" or "equipe": a row may speak of all its columns at once
    role: str | None = None
    superuser: bool = False
    partner_of: str = ""  # "own": member of structure A (what the world's rows belong to); "other": of B
    opens: str = ""  # the private link (a World.links key) this visitor opened before anything else

    @property
    def staff(self) -> bool:
        return self.group == "equipe"

    def __str__(self):
        return self.name


SANS_COMPTE, PARTENAIRE, EQUIPE = "sans-compte", "partenaire", "equipe"
AUDIENCES = [
    Audience("anonyme", SANS_COMPTE),
    Audience("porteur", SANS_COMPTE, opens="suivi"),  # holds the right token of each row's link
    Audience("porteur-mauvais-jeton", SANS_COMPTE),  # a forged token
    Audience("porteur-jeton-expire", SANS_COMPTE),  # a real token, past its expiry
    Audience("acheteur-A", SANS_COMPTE, opens="besoin"),  # the buyer of need A (the row's need)
    Audience("acheteur-B", SANS_COMPTE, opens="besoin"),  # the buyer of need B: never reaches need A
    Audience("stagiaire", SANS_COMPTE, opens="inscription"),  # a trainee: its own registration's links only
    Audience("partenaire-A", PARTENAIRE, partner_of="own"),
    Audience("partenaire-B", PARTENAIRE, partner_of="other"),
    *(Audience(role, EQUIPE, role=role) for role in ROLE_NAMES),
    Audience("equipe-sans-role", EQUIPE),
    Audience("superutilisateur", EQUIPE, superuser=True),
]
LINK_HOLDERS = {"porteur", "porteur-mauvais-jeton", "porteur-jeton-expire", "acheteur-A", "acheteur-B", "stagiaire"}


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


@dataclass(frozen=True)
class Link:
    """A private link's tokens: the right one, one past its expiry, and those other audiences
    hold for a record of their own (a second buyer's need, a second trainee's registration)."""

    right: str
    expired: str
    held: dict = field(default_factory=dict)  # audience name -> its own token of this kind


@dataclass
class World:
    superuser: User
    organisation: Organisation  # structure A: the orientation, convention, offer, guide, Prix application
    other_organisation: Organisation  # structure B
    intake: IntakeRequest
    orientation: Orientation
    document: object  # a document of the holder, shared with the structures
    claim: Claim
    members: dict  # "own"/"other" -> partner user of structure A / B
    account_uid: str  # the account whose password-reset and activation links are tried
    links: dict  # World.links key -> Link
    texts: dict  # what a page must show, or must not: need A's title, the trainees' names…
    records: dict  # the private pages' objects by short name: "convention", "application"…
    objects: dict  # model -> an instance to open in the admin

    @cached_property
    def superuser_client(self) -> Client:
        return login_as(Client(), self.superuser)


def stored_link(purpose: str, object_id: int, token: str = "") -> Link:
    """A link kept hashed (messagerie.links): a right token (`token`, or a new one valid a
    day) and a real one whose expiry is already past."""
    now = timezone.now()
    right = token or issue_token(purpose=purpose, object_id=object_id, expires_at=now + timedelta(days=1))
    expired = issue_token(purpose=purpose, object_id=object_id, expires_at=now - timedelta(minutes=1))
    return Link(right, expired)


def confirmation_token(alert, *, days_ago: int = 0) -> str:
    """An alert's confirmation token (its hash is on the alert; it expires ALERT_CONFIRM_DAYS
    after the request, `consent_at`)."""
    token, stored = new_token()
    consent_at = timezone.now() - timedelta(days=days_ago)
    type(alert).objects.filter(pk=alert.pk).update(token_hash=stored, consent_at=consent_at)
    return token


class PastResetTokens(PasswordResetTokenGenerator):
    """Django's reset tokens, made PASSWORD_RESET_TIMEOUT and a minute ago."""

    def _now(self):
        return datetime.now() - timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)


class PastSigner(signing.TimestampSigner):
    """A signer whose clock is NEWSLETTER_CONFIRM_DAYS and a minute late."""

    def timestamp(self):
        late = int(time.time()) - settings.NEWSLETTER_CONFIRM_DAYS * 86400 - 60
        return signing.b62_encode(late)


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
    rows = establishment_file([EstablishmentRow(make_siret(1)), EstablishmentRow("123")])
    data_import = upload_import(
        kind=ImportKind.ESTABLISHMENTS, year=2024, upload=SimpleUploadedFile("f.csv", rows), by=superuser
    )
    run_import(import_id=data_import.pk)
    millesime = Millesime.objects.get(year=2024)
    for state in (MillesimeState.CHECKING, MillesimeState.PUBLISHED):
        transition_millesime(millesime=millesime, target=state, by=superuser)
    # A panorama built after the publication, asked for once, and published.
    region = Territory.objects.get(kind=TerritoryKind.REGION)
    panorama = Panorama(
        territory=region, millesime=millesime, data_version=1, status=PanoramaStatus.READY, started_at=timezone.now()
    )
    panorama.file.save("panorama.pdf", ContentFile(b"%PDF-1.4 panorama"))
    PanoramaRequest.objects.create(
        public_id=uuid.uuid4(), panorama=panorama, email="lectrice@exemple.re", consent_text="J'accepte."
    )
    publication = Publication(title="Panorama 2024", published_on=timezone.localdate(), summary="…", territory=region)
    publication.file.save("etude.pdf", ContentFile(b"%PDF-1.4 etude"))
    # Formation: an employer's HR request, a complaint about a training.
    hr_request, hr_token = make_hr_request()
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
    supplier_match = make_emailed_match()
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

    # --- Private links, their holders, what their pages show ------------------------------
    document = add_attachment(
        intake=intake, upload=SimpleUploadedFile("devis.pdf", b"%PDF-1.4 devis"), kind="pdf", by_holder=True
    )
    # Two buyers' drafts (editable): A's is the row's need, B's buyer holds its own link.
    need_a, need_a_token = posted_need(title="Repas bio pour la cantine de Saint-Paul", submit=False)
    need_b, need_b_token = posted_need(
        title="Nettoyage des locaux de la mairie", contact_email="achats@saint-leu.re", submit=False
    )
    other_trainee = make_registration(
        session, first_name="Jean", last_name="Grondin", status="presente", certificate_number="AF-2"
    )
    other_trainee.certificate_file.save("attestation.pdf", ContentFile(b"%PDF-1.4 attestation"))
    committee = Committee.objects.get()
    committee.minutes_file.save("compte-rendu.pdf", ContentFile(b"%PDF-1.4 compte rendu"))
    participant = make_participant(committee, email="marie.payet@exemple.re")
    convention.signed_file.save("convention.pdf", ContentFile(b"%PDF-1.4 convention"))
    pending = Subscriber.objects.create(
        email="en-attente@exemple.re", status=Subscriber.Status.PENDING, consent_text="J'accepte.",
        consent_at=timezone.now(),
    )  # fmt: skip
    account = UserFactory(email="compte@exemple.re")
    tool_alert, job_alert = make_alert("outils@exemple.re", confirmed=False), make_job_alert(confirmed=False)
    late_tool_alert = make_alert("outils-tard@exemple.re", confirmed=False)
    late_job_alert = make_job_alert("emplois-tard@exemple.re", confirmed=False)
    confirmed_job_alert = make_job_alert("abonne-emplois@exemple.re")
    late_days = settings.ALERT_CONFIRM_DAYS + 1
    job_application = Application.objects.get(offer__organisation=organisation)
    record = SkillsRecord.objects.get()
    record.pdf_file.save("synthese.pdf", ContentFile(b"%PDF-1.4 synthese"), save=False)
    record.pdf_requested_at = record.pdf_built_at = timezone.now()
    record.save()
    job_offer = Offer.objects.filter(organisation=organisation).order_by("pk").first()
    registration_links = {
        "inscription": REGISTRATION_LINK, "attestation": CERTIFICATE_LINK, "convocation": CONVOCATION_LINK,
        "questionnaire-chaud": f"{SURVEY_LINK}.chaud", "questionnaire-froid": f"{SURVEY_LINK}.froid",
    }  # fmt: skip
    past = PastSigner(salt=newsletter.CONFIRM_SALT)
    links = {
        "suivi": stored_link(TRACKING_LINK, intake.pk, token),
        "partenaire": stored_link(PARTNER_LINK, orientation.pk),
        "revendication": stored_link(CLAIM_LINK, claim.pk),
        "lettre-confirmation": Link(
            newsletter.confirm_token(pending),
            past.sign_object({"id": pending.pk, "email": pending.email}, compress=True),
        ),
        # No expiry: the one-click unsubscribe of every issue works for ever (its « expired » is the right one).
        "lettre-desinscription": Link(
            newsletter.unsubscribe_token(subscriber), newsletter.unsubscribe_token(subscriber)
        ),
        "mot-de-passe": Link(default_token_generator.make_token(account), PastResetTokens().make_token(account)),
        "activation": Link(activation_token_generator.make_token(account), late_activation_token(account)),
        "panorama": stored_link(PANORAMA_LINK, panorama.pk),
        "appui-rh": stored_link(HR_LINK, hr_request.pk, hr_token),
        **{
            key: replace(
                stored_link(purpose, trainee.pk), held={"stagiaire": stored_link(purpose, other_trainee.pk).right}
            )
            for key, purpose in registration_links.items()
        },
        "compte-rendu": stored_link(MINUTES_LINK, participant.pk),
        "besoin": replace(
            stored_link(NEED_LINK, need_a.pk, need_a_token),
            held={"acheteur-A": need_a_token, "acheteur-B": need_b_token},
        ),
        "fournisseur": stored_link(SUPPLIER_LINK, supplier_match.pk),
        "alerte-outils-confirmation": Link(
            confirmation_token(tool_alert), confirmation_token(late_tool_alert, days_ago=late_days)
        ),
        "alerte-outils-desinscription": stored_link(tool_alerts.UNSUBSCRIBE_LINK, alert.pk),
        "alerte-emplois-confirmation": Link(
            confirmation_token(job_alert), confirmation_token(late_job_alert, days_ago=late_days)
        ),
        "alerte-emplois-desinscription": stored_link(job_alerts.UNSUBSCRIBE_LINK, confirmed_job_alert.pk),
        "candidature-employeur": stored_link(EMPLOYER_LINK, job_application.pk),
        "candidature-candidat": stored_link(CANDIDATE_LINK, job_application.pk),
        "competences": stored_link(RECORD_LINK, record.pk),
    }
    assessment = GuideAssessment.objects.get(organisation=organisation)
    prix_application = PrixApplication.objects.get(organisation=organisation)
    records = {
        "convention": convention, "commitment": commitment, "amendment": convention.amendments.get(),
        "deliverable": commitment.deliverables.get(), "committee": committee,
        "job_application": job_application, "job_offer": job_offer,
        "experience": record.experiences.first(),
        "assessment": assessment, "guide_action": assessment.actions.first(),
        "prix_application": prix_application, "prix_attachment": prix_application.attachments.get(),
    }  # fmt: skip
    texts = {
        "need_a": need_a.title, "need_b": need_b.title, "trainee": trainee.last_name, "other_trainee": "Grondin",
        "intake": intake.title, "own_entry": reverse("annuaire:modifier", args=[organisation.slug]),
        "own_badge": badge_token(organisation.pk, 2),
    }  # fmt: skip

    objects = {model: model.objects.order_by("pk").first() for model, _model_admin in registered_admins()}
    objects[User] = StaffFactory(role=ROLE_NAMES[0], email="collegue@exemple.re")  # not a superuser
    objects[Group] = Group.objects.get(name=ROLE_NAMES[0])
    missing = [model._meta.label for model, obj in objects.items() if obj is None]
    assert not missing, f"make an object of {missing} in this fixture"
    return World(
        superuser=superuser,
        organisation=organisation,
        other_organisation=other_organisation,
        intake=intake,
        orientation=orientation,
        document=document,
        claim=claim,
        members=members,
        account_uid=urlsafe_base64_encode(force_bytes(account.pk)),
        links=links,
        texts=texts,
        records=records,
        objects=objects,
    )


def late_activation_token(account) -> str:
    """An activation token made ACCOUNT_ACTIVATION_DAYS and a minute ago (the generator's
    clock is an attribute for this)."""
    late = ActivationTokenGenerator()
    late.clock = lambda: time.time() - settings.ACCOUNT_ACTIVATION_DAYS * 86400 - 60
    return late.make_token(account)


def client_for(audience: Audience, world: World) -> Client:
    """A visitor's browser: logged in for staff and partners; a link holder has opened its link."""
    client = Client()
    if audience.superuser:
        login_as(client, world.superuser)
    elif audience.staff:
        login_as(client, StaffFactory(role=audience.role, email="personne-testee@exemple.re"))
    elif audience.partner_of:
        login_as(client, world.members[audience.partner_of])
    elif audience.opens:
        link = world.links[audience.opens]
        token = link.held.get(audience.name, link.right)
        assert client.get(reverse(OPENS[audience.opens], args=[token])).status_code == 200, audience
    return client


OPENS = {"suivi": "accueil:suivi", "besoin": "experimentations:need-buyer", "inscription": "formation:mon-inscription"}


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


# --- Private pages of the public side: the table ---------------------------------------------


def admin_root():
    return f"/{settings.ADMIN_URL}"


@dataclass(frozen=True)
class Outcome:
    label: str  # as the mismatch table prints it
    holds: Callable  # (response, world) -> bool

    def __str__(self):
        return self.label


def _login_page(response) -> bool:
    return response.status_code == 302 and response.headers["Location"].startswith(reverse(settings.LOGIN_URL))


def _status(code: int) -> Outcome:
    return Outcome(str(code), lambda response, world: response.status_code == code)


def _body(response) -> str:
    return response.content.decode()


OK, NOT_FOUND, FORBIDDEN, BAD_REQUEST = _status(200), _status(404), _status(403), _status(400)
LOGIN = Outcome("connexion", lambda response, world: _login_page(response))
REDIRECT = Outcome("302", lambda response, world: response.status_code == 302 and not _login_page(response))
NOT_TRIED = None  # the request would change what later rows read (its app's tests cover it)
# Password links: the right token leads to the form (Django first moves the token into the
# session); any other is refused with a page that has no form.
TO_PASSWORD_FORM = Outcome(
    "302 vers le formulaire",
    lambda response, world: response.status_code == 302 and response.headers["Location"].endswith("/set-password/"),
)
NO_PASSWORD_FORM = Outcome(
    "200 sans formulaire",
    lambda response, world: response.status_code == 200 and "new_password1" not in _body(response),
)


def shows(key: str) -> Outcome:
    """200, and the page shows World.texts[key]."""
    return Outcome(
        f"200 + {key}", lambda response, world: response.status_code == 200 and world.texts[key] in _body(response)
    )


def hides(key: str) -> Outcome:
    """200, and the page does not show World.texts[key]."""
    return Outcome(
        f"200 sans {key}",
        lambda response, world: response.status_code == 200 and world.texts[key] not in _body(response),
    )


def own_only(mine: str, theirs: str) -> Outcome:
    """200, showing World.texts[mine] and not World.texts[theirs]."""
    return Outcome(
        f"200 + {mine} sans {theirs}",
        lambda response, world: (
            response.status_code == 200
            and world.texts[mine] in _body(response)
            and world.texts[theirs] not in _body(response)
        ),
    )


def partner_list() -> str:
    return reverse("accueil:partenaire-liste")


def redirects_to(where: Callable, label: str) -> Outcome:
    return Outcome(
        f"302 vers {label}",
        lambda response, world: response.status_code == 302 and response.headers["Location"] == where(),
    )


TOKEN = object()  # in a row's arguments: the token the audience holds for the row's link


def record(name: str) -> Callable:
    """In a row's arguments: the primary key of World.records[name]."""
    return lambda world: world.records[name].pk


@dataclass(frozen=True)
class Row:
    name: str  # the URL name
    args: tuple = ()  # TOKEN, constants, or functions of the world
    expect: dict = field(default_factory=dict)  # column or group of columns -> Outcome (NOT_TRIED: skipped)
    link: str = ""  # the World.links key of the private link the address carries
    method: str = "get"
    data: dict = field(default_factory=dict)
    shared: bool = False  # everyone holds the right token (but the forged and expired columns)

    def outcome(self, audience: Audience):
        holds_own = self.link and (audience.name == "porteur" or audience.name in self.link_held())
        if self.shared:
            defaults = {"porteur-mauvais-jeton": NOT_FOUND, "porteur-jeton-expire": NOT_FOUND, "*": OK}
        elif self.link:
            defaults = {"*": OK if holds_own else NOT_FOUND}
        else:
            defaults = {SANS_COMPTE: LOGIN, "*": NOT_FOUND}
        expect = {**defaults, **self.expect}
        for key in (audience.name, audience.group, "*"):
            if key in expect:
                return expect[key]
        raise AssertionError(self)

    def link_held(self) -> set:
        return set(HELD.get(self.link, ()))

    def url(self, audience: Audience, world: World) -> str:
        token = token_for(self, audience, world) if self.link else None
        values = [token if arg is TOKEN else arg(world) if callable(arg) else arg for arg in self.args]
        return reverse(self.name, args=values or None)

    def label(self) -> str:
        constants = "".join(f" {arg}" for arg in self.args if isinstance(arg, str))  # e.g. the survey's kind
        shared = " (lien partagé)" if self.shared else ""
        return f"{self.method.upper()} {self.name}{constants}{shared}"


# Who, besides « porteur », holds a link of a row's kind (a record of its own): World.links[key].held.
HELD = {
    "besoin": ("acheteur-A", "acheteur-B"),
    **dict.fromkeys(("inscription", "attestation", "convocation"), ("stagiaire",)),
    **{f"questionnaire-{kind}": ("stagiaire",) for kind in ("chaud", "froid")},
}


def token_for(row: Row, audience: Audience, world: World) -> str:
    link = world.links[row.link]
    if audience.name == "porteur-mauvais-jeton":
        return FORGED_TOKEN
    if audience.name == "porteur-jeton-expire":
        return link.expired
    if audience.name == "porteur" or row.shared:
        return link.right
    return link.held.get(audience.name, FORGED_TOKEN)


def staff_who_can(action: str, model: str, outcome: Outcome) -> dict:
    """The staff columns whose role may `action` on `model`, and the superuser: `outcome`."""
    return {"superutilisateur": outcome} | {role: outcome for role in ROLE_NAMES if action in rights_of(role, model)}


ORIENTATION, DOCUMENT = (lambda w: w.orientation.pk), (lambda w: w.document.pk)
ORGANISATION_SLUG, ACCOUNT = (lambda w: w.organisation.slug), (lambda w: w.account_uid)
GUIDE = (lambda w: w.organisation.pk), (lambda w: w.records["assessment"].year)
PRIX = lambda w: w.records["prix_application"].campaign.year  # noqa: E731
MEMBERS_ONLY = {"partenaire-A": OK}  # structure A's members; everyone else with an account: 404
STAFF_AND_PARTNERS = {PARTENAIRE: REDIRECT, EQUIPE: REDIRECT}
NO_ONE_ELSE = {PARTENAIRE: FORBIDDEN, EQUIPE: FORBIDDEN}  # every other account: 403
HOLDERS_DO_NOT_POST = dict.fromkeys(("porteur", "acheteur-A", "acheteur-B", "stagiaire"), NOT_TRIED)
_ = NOT_TRIED
POST = "post"


def only_a(key: str) -> dict:
    """A page every account opens, that shows World.texts[key] to structure A's members only."""
    return {"partenaire-A": shows(key), PARTENAIRE: hides(key), EQUIPE: hides(key)}


TRAINEE_OWN = {"stagiaire": own_only("other_trainee", "trainee")}
BUYERS = {"porteur": shows("need_a"), "acheteur-A": shows("need_a"), "acheteur-B": own_only("need_b", "need_a")}
RESET = {"porteur": TO_PASSWORD_FORM, "*": NO_PASSWORD_FORM}
SURVEY = {"satisfaction": "5", "objectives_met": "5", "applied_at_work": "oui"}
WITHDRAW = {"action": "retirer", "confirmation": "oui"}

# The table (how to read it: the module's docstring). Each audience runs the rows in this order,
# in one world: a POST that would change the record is NOT_TRIED for whoever would be let in.
# fmt: off
PRIVATE_PAGES = [
    # Accompagnement: the holder's tracking link (the link is the key), the structure's link and pages.
    Row("accueil:suivi", (TOKEN,), link="suivi"),
    Row("accueil:suivi", (TOKEN,), link="suivi", shared=True),
    Row("accueil:retrait", (TOKEN,), link="suivi"),
    Row("accueil:retrait", (TOKEN,), link="suivi", method=POST, data={"reason": "x"}, expect=HOLDERS_DO_NOT_POST),
    Row("accueil:partenaire", (TOKEN,), link="partenaire"),
    Row("accueil:partenaire-document", (TOKEN, DOCUMENT), link="partenaire"),
    Row("accueil:partenaire-liste", expect=only_a("intake")),
    Row("accueil:partenaire-orientation", (ORIENTATION,), expect=MEMBERS_ONLY),
    Row("accueil:partenaire-orientation", (ORIENTATION,), method=POST, data={"action": "accepter"},
        expect={"partenaire-A": _}),
    Row("accueil:partenaire-orientation-document", (ORIENTATION, DOCUMENT), expect=MEMBERS_ONLY),
    # Annuaire: a claim is confirmed by a POST (the GET only shows its button); a member edits its entry.
    Row("annuaire:confirmer", (TOKEN,), link="revendication", expect={"*": OK}),
    Row("annuaire:confirmer", (TOKEN,), link="revendication", method=POST, expect={"porteur": _, "*": BAD_REQUEST}),
    Row("annuaire:modifier", (ORGANISATION_SLUG,), expect={"partenaire-A": OK, **NO_ONE_ELSE}),
    Row("annuaire:modifier", (ORGANISATION_SLUG,), method=POST, data={"name": "Prise", "email": "pirate@exemple.re"},
        expect={"partenaire-A": _, **NO_ONE_ELSE}),
    # Lettre d'information: confirmation (GET asks, POST confirms); unsubscription (no expiry: RGPD).
    Row("actualites:lettre-confirmation", (TOKEN,), link="lettre-confirmation"),
    Row("actualites:lettre-confirmation", (TOKEN,), link="lettre-confirmation", method=POST, expect={"porteur": _}),
    Row("actualites:lettre-desinscription", (TOKEN,), link="lettre-desinscription",
        expect={"porteur-jeton-expire": OK}),
    Row("actualites:lettre-desinscription", (TOKEN,), link="lettre-desinscription", method=POST,
        expect={"porteur": _, "porteur-jeton-expire": _}),
    # Comptes: the password links of an account (signed); the pages of whoever is signed in.
    Row("comptes:mot-de-passe-nouveau", (ACCOUNT, TOKEN), link="mot-de-passe", expect=RESET),
    Row("comptes:activation", (ACCOUNT, TOKEN), link="activation", expect=RESET),
    Row("comptes:apres-connexion", expect={EQUIPE: redirects_to(admin_root, "l'admin"),
                                           PARTENAIRE: redirects_to(partner_list, "ses orientations")}),
    Row("comptes:verification", expect={PARTENAIRE: REDIRECT, EQUIPE: REDIRECT}),
    Row("comptes:double-authentification", expect={PARTENAIRE: OK, EQUIPE: OK}),
    Row("comptes:activation-double-authentification", expect={PARTENAIRE: OK, EQUIPE: REDIRECT}),  # staff: enrolled
    Row("mon-espace", expect=only_a("own_entry")),
    # Observatoire: the panorama's download link.
    Row("observatoire:panorama-telechargement", (TOKEN,), link="panorama"),
    Row("observatoire:panorama-fichier", (TOKEN,), link="panorama"),
    # Formation: the employer's HR follow-up; a trainee's registration, certificate, convocation, surveys.
    Row("formation:appui-rh-suivi", (TOKEN,), link="appui-rh"),
    Row("formation:mon-inscription", (TOKEN,), link="inscription", expect=TRAINEE_OWN),
    Row("formation:mon-inscription", (TOKEN,), link="inscription", method=POST, data={"action": "annuler"},
        expect=HOLDERS_DO_NOT_POST),
    Row("formation:mon-inscription-attestation", (TOKEN,), link="inscription"),
    Row("formation:attestation", (TOKEN,), link="attestation", expect=TRAINEE_OWN),
    Row("formation:attestation-fichier", (TOKEN,), link="attestation"),
    Row("formation:convocation", (TOKEN,), link="convocation", expect=TRAINEE_OWN),
    Row("formation:questionnaire", ("chaud", TOKEN), link="questionnaire-chaud"),
    Row("formation:questionnaire", ("froid", TOKEN), link="questionnaire-froid"),
    Row("formation:questionnaire", ("chaud", TOKEN), link="questionnaire-chaud", method=POST, data=SURVEY,
        expect=HOLDERS_DO_NOT_POST),
    Row("formation:questionnaire", ("froid", TOKEN), link="questionnaire-froid", method=POST, data=SURVEY,
        expect=HOLDERS_DO_NOT_POST),
    # Partenariats: a committee's minutes (a participant's link); the space of structure A's partner.
    Row("partenariats:compte-rendu", (TOKEN,), link="compte-rendu"),
    Row("partenariats:compte-rendu-fichier", (TOKEN,), link="compte-rendu"),
    Row("partenariats:espace", expect={PARTENAIRE: OK, EQUIPE: OK}),
    Row("partenariats:espace-convention", (record("convention"),), expect=MEMBERS_ONLY),
    Row("partenariats:espace-convention-fichier", (record("convention"),), expect=MEMBERS_ONLY),
    Row("partenariats:espace-avenant-fichier", (record("amendment"),), expect=MEMBERS_ONLY),
    Row("partenariats:espace-engagement", (record("commitment"),), expect=MEMBERS_ONLY),
    Row("partenariats:espace-livrable", (record("deliverable"),), expect=MEMBERS_ONLY),
    Row("partenariats:espace-compte-rendu", (record("committee"),), expect=MEMBERS_ONLY),
    # Expérimentations: a buyer's need (B's link shows B's need, never A's), the alerts, a supplier's link.
    Row("experimentations:need-buyer", (TOKEN,), link="besoin", expect=BUYERS),
    Row("experimentations:need-edit", (TOKEN,), link="besoin", expect=BUYERS),
    Row("experimentations:alert-confirm", (TOKEN,), link="alerte-outils-confirmation"),
    Row("experimentations:alert-confirm", (TOKEN,), link="alerte-outils-confirmation", method=POST,
        expect={"porteur": _}),
    Row("experimentations:alert-unsubscribe", (TOKEN,), link="alerte-outils-desinscription"),
    Row("experimentations:alert-unsubscribe", (TOKEN,), link="alerte-outils-desinscription", method=POST,
        expect={"porteur": _}),
    Row("experimentations:supplier", (TOKEN,), link="fournisseur"),
    Row("experimentations:supplier-need", (TOKEN,), link="fournisseur"),
    # Emplois: an application to structure A's offer (the employer's and the candidate's links, A's
    # members), the alerts, the employer's space, a volunteer's skills record.
    Row("emplois:application-employer", (TOKEN,), link="candidature-employeur"),
    Row("emplois:application-employer", (TOKEN,), link="candidature-employeur", method=POST, data=WITHDRAW,
        expect={"porteur": _}),
    Row("emplois:application-employer-file", (TOKEN, "cv"), link="candidature-employeur"),
    Row("emplois:application-candidate", (TOKEN,), link="candidature-candidat"),
    Row("emplois:application-candidate", (TOKEN,), link="candidature-candidat", method=POST, data=WITHDRAW,
        expect={"porteur": _}),
    Row("emplois:application-member", (record("job_application"),), expect=MEMBERS_ONLY),
    Row("emplois:application-member", (record("job_application"),), method=POST, data={"action": "retenir"},
        expect={"partenaire-A": _}),
    Row("emplois:application-member-file", (record("job_application"), "cv"), expect=MEMBERS_ONLY),
    Row("emplois:alert-confirm", (TOKEN,), link="alerte-emplois-confirmation"),
    Row("emplois:alert-confirm", (TOKEN,), link="alerte-emplois-confirmation", method=POST, expect={"porteur": _}),
    Row("emplois:alert-unsubscribe", (TOKEN,), link="alerte-emplois-desinscription"),
    Row("emplois:alert-unsubscribe", (TOKEN,), link="alerte-emplois-desinscription", method=POST,
        expect={"porteur": _}),
    Row("emplois:employer", expect={PARTENAIRE: OK, EQUIPE: FORBIDDEN}),  # the members of any structure
    Row("emplois:employer-new", expect={PARTENAIRE: OK, EQUIPE: FORBIDDEN}),
    Row("emplois:employer-offer", (record("job_offer"),), expect=MEMBERS_ONLY),
    Row("emplois:employer-edit", (record("job_offer"),), expect={"partenaire-A": REDIRECT}),  # published: to its page
    Row("emplois:employer-duplicate", (record("job_offer"),), method=POST, expect={"partenaire-A": _}),
    Row("emplois:employer-move", (record("job_offer"), "pourvue"), method=POST, expect={"partenaire-A": _}),
    Row("emplois:competences-dossier", (TOKEN,), link="competences"),
    Row("emplois:competences-experience-ajout", (TOKEN,), link="competences"),
    Row("emplois:competences-experience", (TOKEN, record("experience")), link="competences"),
    Row("emplois:competences-synthese", (TOKEN,), link="competences"),
    Row("emplois:competences-effacer", (TOKEN,), link="competences"),
    # Appartenance: structure A's good-practices guide and report, its badge, its Prix application.
    Row("appartenance:guide-assessment", GUIDE, expect=MEMBERS_ONLY),
    Row("appartenance:guide-theme", (*GUIDE, "gouvernance"), expect=MEMBERS_ONLY),
    Row("appartenance:guide-theme", (*GUIDE, "gouvernance"), method=POST, expect={"partenaire-A": _}),
    Row("appartenance:guide-action-new", GUIDE, method=POST, expect={"partenaire-A": _}),
    Row("appartenance:guide-action-status", (*GUIDE, record("guide_action")), method=POST, expect={"partenaire-A": _}),
    Row("appartenance:guide-report", GUIDE, expect=MEMBERS_ONLY),
    Row("appartenance:guide-report", GUIDE, method=POST, expect={"partenaire-A": _}),
    Row("appartenance:guide-report-state", GUIDE, expect=MEMBERS_ONLY),
    Row("appartenance:guide-report-file", GUIDE, expect=MEMBERS_ONLY),
    Row("appartenance:guide-start", method=POST, data={"organisation": "A"}, expect=STAFF_AND_PARTNERS),
    Row("appartenance:badges-membre", expect=only_a("own_badge")),
    Row("appartenance:prix-application", (record("prix_application"),), expect=MEMBERS_ONLY),
    Row("appartenance:prix-application", (record("prix_application"),), method=POST, data={"summary": "Pris"},
        expect={"partenaire-A": _}),
    Row("appartenance:prix-application-files", (record("prix_application"),),
        expect={"partenaire-A": REDIRECT}),  # submitted: back to the application
    Row("appartenance:prix-attachment", (record("prix_application"), record("prix_attachment")),
        expect={"partenaire-A": OK, **staff_who_can("view", "appartenance.PrixApplication", OK)}),
    # The jury's pages: the campaign's jurors only (none of the audiences).
    Row("appartenance:prix-jury", (PRIX,)),
    Row("appartenance:prix-jury-export", (PRIX,)),
    Row("appartenance:prix-jury-json", (PRIX,)),
    Row("appartenance:prix-jury-application", (PRIX, record("prix_application"))),
    Row("appartenance:prix-jury-application", (PRIX, record("prix_application")), method=POST),
    Row("appartenance:prix-jury-conflict", (PRIX,), method=POST),
    Row("appartenance:prix-start", (PRIX,), method=POST, data={"organisation": "A"}, expect=STAFF_AND_PARTNERS),
]
# fmt: on


def test_every_private_url_has_a_row_and_every_row_a_private_url():
    assert {row.name for row in PRIVATE_PAGES} == PRIVATE_URLS
    for row in PRIVATE_PAGES:
        assert (TOKEN in row.args) == bool(row.link), f"{row.name}: a token needs its link, a link its token"


def check_private_pages(client, audience: Audience, world: World) -> list[str]:
    """Each row of the table, in order: the mismatches, one line each."""
    for key, link in world.links.items():
        assert set(link.held) == set(HELD.get(key, ())), f"World.links[{key!r}].held and HELD differ"
    problems = []
    for row in PRIVATE_PAGES:
        expected = row.outcome(audience)
        if expected is NOT_TRIED:
            continue
        data = {key: world.organisation.pk if value == "A" else value for key, value in row.data.items()}
        url = row.url(audience, world)
        response = client.post(url, data) if row.method == "post" else client.get(url)
        if not expected.holds(response, world):
            got = f"{response.status_code} {response.headers.get('Location', '')}".strip()
            problems.append(f"{row.label():<58} attendu {expected!s:<32} obtenu {got}")
    return problems


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
    if audience.superuser:
        return ("view", "add", "change", "delete")
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

    if audience.superuser:
        return problems  # reaches every page Django's admin gives a superuser: nothing declared to compare
    if audience.name in LINK_HOLDERS:
        # Who holds a private link has no account: each model's list is enough to see the door shut.
        for model, _model_admin in registered_admins():
            response = client.get(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"))
            if not refused(response, audience):
                problems.append(f"{model._meta.label} (liste): {response.status_code}")
        return problems

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


# --- The walk ----------------------------------------------------------------------------------


@pytest.mark.parametrize("audience", AUDIENCES, ids=str)
def test_each_audience_reaches_exactly_what_is_declared(audience, world):
    client = client_for(audience, world)
    application = world.records["job_application"]
    before = (world.orientation.status, world.claim.status, world.organisation.name, application.status)
    problems = check_private_pages(client, audience, world) + check_admin(client, audience, world)
    assert problems == [], f"{audience}:\n" + "\n".join(problems)

    # Nothing a refused page was asked to do happened.
    for obj in (world.orientation, world.claim, world.organisation, application):
        obj.refresh_from_db()
    assert (world.orientation.status, world.claim.status, world.organisation.name, application.status) == before
