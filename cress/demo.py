"""Demo content for `manage.py seed_demo`: realistic, fictional, and idempotent.

Each app's demo data is a function here (the composition root may import every
app); each later issue adds its own. Rows are matched on a natural key, so running
the command twice leaves one copy of everything.
"""

import base64
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.text import slugify
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accueil.demo import seed_requests
from annuaire.demo import demo_siret, seed_moderation_queue, seed_organisations
from annuaire.models import Organisation, PartnerMembership
from annuaire.services import save_organisation
from appartenance.demo_badges import seed_badges
from appartenance.demo_guide import seed_assessments
from appartenance.demo_prix import seed_prix
from appartenance.demo_resources import seed_resources
from communication.demo import seed_news_and_events
from comptes.models import User
from comptes.roles import ROLES
from comptes.services import TOTP_DEVICE_NAME
from emplois.demo import seed_offers
from experimentations.demo_purchasing import seed_experiments, seed_needs
from experimentations.demo_tools import seed_tools
from formation.demo import seed_trainings
from observatoire.demo import seed_observatory
from partenariats.demo import seed_partnerships
from referentiels.models import LegalForm, Territory, TerritoryKind
from territoires.demo import seed_territories

DEMO_PASSWORD = "demo-ess-reunion"  # noqa: S105 — only ever set in DEMO_MODE, printed by `make run`
# The second factor of every demo staff account (base32, as typed in an authenticator app).
# Published like the password: `manage.py demo_totp` prints the current code, demo mode only.
DEMO_TOTP_SECRET = "DEMOESSREUNIONDEMOESSREUNIONCRES"  # noqa: S105

# Fictional organisations; names and SIRET are made up (SIRET pass the Luhn key).
DEMO_ORGANISATIONS = [
    # name, legal form code, commune INSEE, address
    ("Lakour Solidaire", "9220", "97411", "12 rue de Paris"),
    ("Coopérative Ti Kaz Bio", "5460", "97416", "45 rue des Bons Enfants"),
    ("Mutuelle Entraide Kréol", "8210", "97415", "3 chemin Bellemène"),
    ("Fondation Zenfan Demain", "9300", "97422", "8 rue Victor Hugo"),
    ("Kaz Initiatives Est — incubateur ESS", "9220", "97410", "21 rue Amiral Bouvet"),
    ("SCOP Bat Karé Construction", "5458", "97407", "7 avenue du 14 Juillet 1789"),
    ("Ressourcerie Lespas Recyclage", "9221", "97409", "30 chemin du Centre"),
    ("Jardins partagés des Hauts", "9220", "97424", "2 rue du Père Boiteau"),
    ("SCIC Énergie Soleil Sud", "5560", "97414", "15 rue Lambert"),
    ("Association Lire et Écrire Nord", "9220", "97418", "9 rue de la Mairie"),
    ("Groupement d'employeurs Agri Ouest", "9223", "97413", "4 rue du Général Lambert"),
    ("Entreprise solidaire Mobilité Péi", "5710", "97408", "18 rue Leconte de Lisle"),
]

# The organisation the demo partner account acts for.
DEMO_PARTNER_ORGANISATION = "Kaz Initiatives Est — incubateur ESS"


@dataclass
class DemoAccount:
    email: str
    first_name: str
    last_name: str
    group: str | None = None
    is_superuser: bool = False


DEMO_STAFF = [
    DemoAccount("accueil@demo.ess-reunion.re", "Nadia", "Payet", "Accueil"),
    DemoAccount("observatoire@demo.ess-reunion.re", "Julien", "Hoarau", "Observatoire"),
    DemoAccount("communication@demo.ess-reunion.re", "Sandrine", "Grondin", "Communication"),
    DemoAccount("formation@demo.ess-reunion.re", "Patrick", "Técher", "Formation"),
    DemoAccount("partenariats@demo.ess-reunion.re", "Marie-Claire", "Fontaine", "Partenariats"),
    DemoAccount("direction@demo.ess-reunion.re", "Jean-Marc", "Rivière", "Direction"),
    DemoAccount("admin@demo.ess-reunion.re", "Admin", "Démo", None, is_superuser=True),
]
DEMO_PARTNER = DemoAccount("partenaire@demo.ess-reunion.re", "Céline", "Dijoux")
# Owns the demo conventions and the CRESS's commitments.
PARTNERSHIPS_ACCOUNT = next(spec.email for spec in DEMO_STAFF if spec.group == "Partenariats")


def seed_named_organisations() -> int:
    """The hand-written organisations that demo accounts and stories refer to."""
    communes = {t.code: t for t in Territory.objects.filter(kind=TerritoryKind.COMMUNE)}
    forms = {f.code: f for f in LegalForm.objects.all()}
    for index, (name, form_code, insee, address) in enumerate(DEMO_ORGANISATIONS, start=1):
        commune = communes[insee]
        organisation = Organisation.objects.filter(slug=slugify(name)).first() or Organisation(slug=slugify(name))
        organisation.name = name
        organisation.siret = demo_siret(index, prefix="9")
        organisation.legal_form = forms[form_code]
        organisation.commune = commune
        organisation.address = address
        organisation.postcode = "974" + insee[-2:]
        organisation.latitude, organisation.longitude = commune.latitude, commune.longitude
        organisation.email = f"contact@{slugify(name)[:30].strip('-')}.example.re"
        organisation.is_support_structure = name == DEMO_PARTNER_ORGANISATION
        organisation.is_published = True
        save_organisation(organisation=organisation)
    return len(DEMO_ORGANISATIONS)


def _account(spec: DemoAccount, *, is_staff: bool) -> User:
    user = User.objects.filter(email=spec.email).first() or User(email=spec.email)
    user.first_name, user.last_name = spec.first_name, spec.last_name
    user.is_staff = is_staff
    user.is_superuser = spec.is_superuser
    user.set_password(DEMO_PASSWORD)
    user.save()
    if spec.group:
        user.groups.set([Group.objects.get(name=spec.group)])
    if is_staff:
        _demo_second_factor(user)
    return user


def _demo_second_factor(user: User) -> None:
    """Staff log in with a second factor, demo staff too: theirs is the published demo key."""
    key = base64.b32decode(DEMO_TOTP_SECRET).hex()
    TOTPDevice.objects.filter(user=user).exclude(key=key, confirmed=True).delete()
    TOTPDevice.objects.get_or_create(user=user, key=key, defaults={"name": TOTP_DEVICE_NAME, "confirmed": True})


def demo_totp_code() -> str:
    """The code the demo staff accounts accept now (demo mode only)."""
    if not settings.DEMO_MODE:
        raise RuntimeError("Le code des comptes de démonstration n'existe qu'en mode démo (DEMO_MODE).")
    totp = TOTP(base64.b32decode(DEMO_TOTP_SECRET))
    totp.time = time.time()
    return f"{totp.token():06d}"


def seed_accounts() -> list[tuple[str, str]]:
    """One staff account per role, a superuser and one partner account (demo mode only)."""
    if not settings.DEMO_MODE:
        raise RuntimeError("Les comptes de démonstration ne sont créés qu'en mode démo (DEMO_MODE).")
    assert {spec.group for spec in DEMO_STAFF if spec.group} == {role.group for role in ROLES}
    accounts = [(spec.email, spec.group or "Superutilisateur") for spec in DEMO_STAFF]
    for spec in DEMO_STAFF:
        _account(spec, is_staff=True)
    partner = _account(DEMO_PARTNER, is_staff=False)
    organisation = Organisation.objects.get(name=DEMO_PARTNER_ORGANISATION)
    PartnerMembership.objects.update_or_create(
        user=partner, organisation=organisation, defaults={"role": PartnerMembership.Role.ADMIN}
    )
    accounts.append((DEMO_PARTNER.email, f"Partenaire ({organisation.name})"))
    return accounts


def seed_all(*, with_accounts: bool, directory_size: int = 300) -> dict:
    with transaction.atomic():
        report = {"organisations": seed_named_organisations()}
    report["generated_organisations"] = seed_organisations(size=directory_size)
    with transaction.atomic():
        report["contributions"] = seed_moderation_queue()
    if with_accounts:
        with transaction.atomic():
            report["accounts"] = seed_accounts()
    # After the accounts: the demo partner's structure receives orientations.
    report["requests"] = seed_requests()
    report["communication"] = seed_news_and_events()
    report["observatoire"] = seed_observatory()
    report["formation"] = seed_trainings()
    # The demo partner's structure is a partner too; the Partenariats account owns the conventions.
    partnerships_owner = User.objects.filter(email=PARTNERSHIPS_ACCOUNT).first() if with_accounts else None
    report["partenariats"] = seed_partnerships(owner=partnerships_owner, incubator=DEMO_PARTNER_ORGANISATION)
    report["territoires"] = seed_territories()
    report["outils_financiers"] = seed_tools()
    # Validated, refused and sent by the Partenariats account (Action 7 is theirs).
    report["besoins_achat"] = seed_needs(by=partnerships_owner)
    report["experimentations"] = seed_experiments(by=partnerships_owner)
    # Emplois: the named organisations post the offers (the demo partner's among them).
    named = Organisation.objects.filter(name__in=[row[0] for row in DEMO_ORGANISATIONS]).order_by("name")
    report["emplois"] = seed_offers(organisations=named)
    # Appartenance: members with badges, the demo partner's structure first (its account sees its badge).
    report["badges"] = seed_badges(organisations=sorted(named, key=lambda o: o.name != DEMO_PARTNER_ORGANISATION))
    report["ressources"] = seed_resources()
    # The good-practices guide: two structures over two years (the demo partner's first), and this
    # year's answers of a few more, counted on the observatory's page.
    report["bonnes_pratiques"] = seed_assessments(
        organisations=sorted(named, key=lambda o: o.name != DEMO_PARTNER_ORGANISATION),
        others=Organisation.objects.exclude(epci=None).exclude(ess_family="").order_by("pk")[:30],
    )
    # The Prix de l'ESS: the demo partner's structure applies first (its account sees its application).
    report["prix"] = seed_prix(
        organisations=sorted(named, key=lambda o: o.name != DEMO_PARTNER_ORGANISATION), with_jury=with_accounts
    )
    return report
