"""Soak: the whole portal under a steady mixed load for minutes, with its background work.

    make bench-soak      (or: python -m bench.soak --minutes 10 --clients 50)

Starts, on a throw-away PostgreSQL database seeded with the demo (plus a few thousand rows),
a Redis of its own (free port, no persistence: the machine's Redis is not touched) and an
SMTP sink that counts what it receives:
- the portal under gunicorn with production settings (bench/server.py),
- ONE Celery worker and ONE celery beat on the same environment and database,
then N closed-loop clients that each pick their next action from the MIX table below:
public pages, searches, form submissions that send an email, admin pages (staff logged in
with their second factor) and partner pages (a partner structure's member logged in).

Rate limits of the public forms are raised in the soak's environment (RAISED_LIMITS): every
client comes from 127.0.0.1, which the production limits would rightly stop after a few posts.

Every minute it prints the requests done, errors, p50/p95 of that minute, the RSS of the
gunicorn master and workers (VmRSS summed over the process tree), of the Celery worker and of
beat, and the outbox rows by state. At the end it waits for the outbox to settle and compares
the emails the forms caused (one per successful submission, to an address used once) with the
outbox rows sent and the messages the sink received. Exit status 1 on any error, lost or
duplicated email, or gunicorn RSS growing by more than 20 % between minute 2 and the last one.
"""

import argparse
import collections
import contextlib
import json
import math
import os
import platform
import random
import re
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2

from bench.accueil import PASSWORD, STEPS, TOTP_KEY, Browser
from bench.emplois_search import SEED_SCRIPT as OFFERS_SCRIPT
from bench.emplois_search import seed_data as offers_data
from bench.server import ROOT, VENV_BIN, gunicorn_server
from tests.helpers.redis_server import PrivateRedis
from tests.helpers.smtp import SmtpSink

# What each client does next, drawn with these weights (one action may be several requests:
# a form is a GET for its token then a POST; the intake request is five steps).
MIX = [
    # (kind,        weight, what)
    ("public", 40, "home, news list and articles, agenda and month, directory and organisations, "
                   "trainings and a training, job board and offers, observatory, territories, partners"),
    ("search", 25, "directory (words, typos, filters), trainings (words, filters), jobs (words, contract, "
                   "commune), drawn at random so that many are never seen before"),
    ("form", 10, "newsletter subscription 4, job alert 3, funding-tools alert 2, intake request 1: "
                 "each sends one email to an address used once"),
    ("admin", 15, "staff (superuser, Accueil, Communication), each on their role's pages: admin index, "
                  "intake changelists (filters, search), dashboard, intakes' pages, directory, news, events, outbox"),
    ("partner", 10, "a partner structure's member: orientations list, an orientation's page, member space"),
]  # fmt: skip
FORMS = [("newsletter", 4), ("job-alert", 3), ("tools-alert", 2), ("intake", 1)]

# Raised for the soak only (production defaults: 5 to 10 an hour per address).
RAISED_LIMITS = {
    "INTAKE_SUBMISSIONS_PER_HOUR": "1000000",
    "NEWSLETTER_SUBSCRIPTIONS_PER_HOUR": "1000000",
    "ALERT_SUBSCRIPTIONS_PER_HOUR": "1000000",
}

DIRECTORY_SIZE = 3_000
REQUESTS_SIZE = 3_000
OFFERS_SIZE, OFFERS_CLOSED = 2_000, 500
RSS_GROWTH_LIMIT = 0.20

STAFF = [  # email, group (None: superuser)
    ("soak-admin@example.re", None),
    ("soak-accueil@example.re", "Accueil"),
    ("soak-communication@example.re", "Communication"),
]
PARTNER = "soak-partenaire@example.re"

PREPARE = f"""
import json
from collections import Counter
from django.contrib.auth.models import Group
from django_otp.plugins.otp_totp.models import TOTPDevice
from accueil.demo import seed_bulk_requests
from accueil.models import Orientation
from annuaire.models import PartnerMembership
from comptes.models import User
from cress.demo import seed_all
from referentiels.models import Territory
seed_all(with_accounts=False, directory_size={DIRECTORY_SIZE})
seed_bulk_requests(size={REQUESTS_SIZE})
for email, group in {STAFF!r}:
    user = User.objects.filter(email=email).first() or User(email=email)
    user.is_staff, user.is_superuser = True, group is None
    user.set_password("{PASSWORD}")
    user.save()
    user.groups.set([Group.objects.get(name=group)] if group else [])
    TOTPDevice.objects.update_or_create(user=user, name="soak", defaults={{"key": "{TOTP_KEY}", "confirmed": True}})
# The partner: a member of the support structure that received the most orientations.
organisation, _count = Counter(Orientation.objects.values_list("organisation", flat=True)).most_common(1)[0]
partner = User.objects.filter(email="{PARTNER}").first() or User(email="{PARTNER}")
partner.set_password("{PASSWORD}")
partner.save()
PartnerMembership.objects.update_or_create(user=partner, defaults={{"organisation_id": organisation,
                                           "role": PartnerMembership.Role.ADMIN}})
print(json.dumps({{"commune": Territory.objects.get(kind="commune", code="97411").pk,
                  "orientations": Orientation.objects.filter(organisation_id=organisation).count()}}))
"""

OUTBOX_SQL = "SELECT status, count(*) FROM messagerie_outgoingemail GROUP BY status"
SOAK_OUTBOX_SQL = 'SELECT "to", status FROM messagerie_outgoingemail WHERE "to" LIKE %s'

DIRECTORY_WORDS = [
    "insertion", "économie solidaire", "association", "jardins partagés", "recyclerie", "maloya", "épicerie",
    "coopérative", "mutuelle", "ressourcery", "epicerie solidair", "recylerie", "culture", "sport", "formation",
    "agriculture", "vavangaz", "goyavier", "numérique", "santé",
]  # fmt: skip
DIRECTORY_FILTERS = [
    {"famille": "cooperative", "epci": "tco"},
    {"epci": "civis", "role": "fournisseur"},
    {"thematique": "finance-solidaire", "commune": "97411"},
    {"famille": "association"},
    {"page": "2"},
]
TRAINING_SEARCHES = [
    {"q": "gouvernance"}, {"q": "comptabilite"}, {"theme": "rh"}, {"public": "benevoles", "places": "1"},
    {"modalite": "distanciel"}, {"territoire": "saint-denis"}, {"q": "projet", "public": "porteurs"},
    {"theme": "gestion", "places": "1"}, {"q": "association"}, {"q": "bénévoles"}, {"q": "financement"},
]  # fmt: skip
JOB_WORDS = [
    "animateur", "comptable", "jardinier", "aide", "coordinateur", "chargé", "accueil", "médiateur",
    "éducateur", "cuisinier", "insertion", "bénévole", "commercial", "secrétaire", "logistique",
]  # fmt: skip
JOB_CONTRACTS = ["cdi", "cdd", "alternance", "stage", "contrat_aide", "service_civique", "benevolat"]
COMMUNES = ["97411", "97415", "97416", "97407", "97422"]


def query(path: str, params: dict) -> str:
    return path + ("?" + urllib.parse.urlencode(params) if params else "")


def random_search(rng: random.Random) -> str:
    which = rng.random()
    if which < 0.45:
        params = {"q": rng.choice(DIRECTORY_WORDS)}
        if rng.random() < 0.3:
            params |= rng.choice(DIRECTORY_FILTERS)
        return query("/annuaire/", params)
    if which < 0.7:
        return query("/formations/", rng.choice(TRAINING_SEARCHES))
    params = {"q": " ".join(rng.sample(JOB_WORDS, rng.choice([1, 1, 2])))}
    if rng.random() < 0.4:
        params["contrat"] = rng.choice(JOB_CONTRACTS)
    if rng.random() < 0.2:
        params["commune"] = rng.choice(COMMUNES)
    return query("/emplois/", params)


# --- Recording -----------------------------------------------------------------------------


@dataclass
class Record:
    """What the clients did: every request's latency, per minute, and errors by URL."""

    latencies: list[float] = field(default_factory=list)
    minute: list[float] = field(default_factory=list)
    errors: collections.Counter = field(default_factory=collections.Counter)
    kinds: collections.Counter = field(default_factory=collections.Counter)
    expected_emails: set[str] = field(default_factory=set)
    submissions: collections.Counter = field(default_factory=collections.Counter)
    by_kind: dict[str, list[float]] = field(default_factory=lambda: collections.defaultdict(list))
    lock: threading.Lock = field(default_factory=threading.Lock)
    current: threading.local = field(default_factory=threading.local)  # the kind of action a client is doing

    def ok(self, elapsed_ms: float) -> None:
        with self.lock:
            self.latencies.append(elapsed_ms)
            self.minute.append(elapsed_ms)
            self.by_kind[self.current.kind].append(elapsed_ms)

    def error(self, label: str) -> None:
        with self.lock:
            self.errors[label] += 1

    def take_minute(self) -> list[float]:
        with self.lock:
            taken, self.minute = self.minute, []
        return taken


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def label_of(path: str) -> str:
    """The URL without its query string and with numbers and slugs folded, for the error table."""
    path = path.split("?", 1)[0]
    return re.sub(r"/[^/]*\d[^/]*/", "/<id>/", path)


class Visitor:
    """One client's browser with timing: `fetch` records the request and gives the page if it
    answered as expected, else None (a refused form, a 4xx or 5xx, a lost connection: an error)."""

    def __init__(self, port: int, record: Record, browser: Browser | None = None):
        self.browser = browser or Browser(port)
        self.record = record

    def fetch(self, method: str, path: str, fields=None, *, expect=(200,), marker: str = "") -> str | None:
        started = time.perf_counter()
        try:
            status, content = self.browser.request(method, path, fields)
        except (OSError, UnicodeDecodeError) as error:
            self.record.error(f"{method} {label_of(path)} ({type(error).__name__})")
            return None
        elapsed = (time.perf_counter() - started) * 1000
        if status not in expect or (marker and marker not in content):
            self.record.error(f"{method} {label_of(path)} ({status})")
            return None
        self.record.ok(elapsed)
        return content

    def form_token(self, path: str) -> str | None:
        content = self.fetch("GET", path)
        found = content and re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', content)
        if not found:
            if content is not None:
                self.record.error(f"GET {label_of(path)} (pas de jeton CSRF)")
            return None
        return found.group(1)


# --- The actions ------------------------------------------------------------------------------


@dataclass
class Targets:
    """The URLs the actions draw from, discovered from the running portal's own pages."""

    public: list[str]
    admin: list[tuple[Browser, list[str]]]  # each staff member and the admin pages their role opens
    partner: list[str]
    commune: int
    partners: list[Browser]


PUBLIC_LISTS = {
    "/": None,
    "/actualites/": r'href="(/actualites/[\w-]+/)"',
    "/agenda/": r'href="(/agenda/[\w-]+/)"',
    "/agenda/mois/": None,
    "/annuaire/": r'href="(/annuaire/structure/[\w-]+/)"',
    "/formations/": r'href="(/formations/catalogue/[\w-]+/)"',
    "/emplois/": r'href="(/emplois/offres/\d+-[\w-]+/)"',
    "/observatoire/": None,
    "/observatoire/territoires/": None,
    "/territoires/": None,
    "/partenaires/": r'href="(/partenaires/[\w-]+/)"',
    "/financer-et-acheter/outils/": r'href="(/financer-et-acheter/outils/[\w-]+/)"',
    "/ess/ressources/": None,
}
INTAKE_ADMIN = [
    "/gestion/accueil/intakerequest/",
    "/gestion/accueil/intakerequest/?status__exact=qualification",
    "/gestion/accueil/intakerequest/?q=epicerie",
    "/gestion/accueil/intakerequest/?sans_action=oui",
    "/gestion/accueil/intakerequest/tableau-de-bord/",
]
DIRECTORY_ADMIN = ["/gestion/annuaire/organisation/", "/gestion/annuaire/organisation/?q=insertion"]
NEWS_ADMIN = ["/gestion/communication/newsarticle/", "/gestion/communication/event/"]
# Each staff account's admin pages (the intakes' change pages are added to the intake pages).
ADMIN_PAGES = {
    "soak-admin@example.re": ["/gestion/", *INTAKE_ADMIN, *DIRECTORY_ADMIN, *NEWS_ADMIN,
                              "/gestion/messagerie/outgoingemail/"],
    "soak-accueil@example.re": ["/gestion/", *INTAKE_ADMIN, *DIRECTORY_ADMIN],
    "soak-communication@example.re": ["/gestion/", *DIRECTORY_ADMIN, *NEWS_ADMIN],
}  # fmt: skip
PARTNER_PAGES = ["/accompagnement/partenaire/", "/mon-espace/"]


def discover(port: int, commune: int) -> Targets:
    """Log the staff and the partner in, and collect the pages of the mix: each must answer 200
    to its visitor (a page that fails here is a mistake of the mix, not a finding)."""
    anonymous = Browser(port)
    public = []
    for path, pattern in PUBLIC_LISTS.items():
        status, content = anonymous.request("GET", path)
        assert status == 200, f"{path} : {status}"
        public.append(path)
        if pattern:
            found = [link for link in dict.fromkeys(re.findall(pattern, content)) if "?" not in link]
            public += [link for link in found if link not in PUBLIC_LISTS][:5]
    for path in public:
        status, _ = anonymous.request("GET", path)
        assert status == 200, f"{path} : {status}"
    admin = []
    changes = []
    for email, _group in STAFF:
        browser = Browser(port)
        browser.login("/gestion/login/", email)
        if not changes:
            _status, content = browser.request("GET", INTAKE_ADMIN[0])
            found = re.findall(r'href="(/gestion/accueil/intakerequest/\d+/change/)"', content)
            changes = list(dict.fromkeys(found))[:5]
        pages = ADMIN_PAGES[email] + (changes if INTAKE_ADMIN[0] in ADMIN_PAGES[email] else [])
        for path in pages:
            status, _ = browser.request("GET", path)
            assert status == 200, f"{email} {path} : {status}"
        admin.append((browser, pages))
    partner = Browser(port)
    partner.login("/compte/connexion/", PARTNER)
    _status, content = partner.request("GET", "/accompagnement/partenaire/")
    orientations = re.findall(r'href="(/accompagnement/partenaire/orientation/\d+/)"', content)
    partner_pages = PARTNER_PAGES + list(dict.fromkeys(orientations))[:5]
    for path in partner_pages:
        status, _ = partner.request("GET", path)
        assert status == 200, f"{path} : {status}"
    return Targets(public, admin, partner_pages, commune, [partner])


def public_page(visitor: Visitor, targets: Targets, rng: random.Random) -> None:
    visitor.fetch("GET", rng.choice(targets.public))


def search(visitor: Visitor, targets: Targets, rng: random.Random) -> None:
    visitor.fetch("GET", random_search(rng))


def admin_page(visitor: Visitor, targets: Targets, rng: random.Random) -> None:
    browser, pages = rng.choice(targets.admin)
    Visitor(0, visitor.record, browser).fetch("GET", rng.choice(pages))


def partner_page(visitor: Visitor, targets: Targets, rng: random.Random) -> None:
    Visitor(0, visitor.record, rng.choice(targets.partners)).fetch("GET", rng.choice(targets.partner))


class Forms:
    """The public forms that send an email, each posted by a new visitor (cookie, CSRF token)
    with an address used once: soak-<run>-<n>@example.re."""

    def __init__(self, port: int, record: Record, run: str):
        self.port, self.record, self.run = port, record, run
        self.counter = 0
        self.lock = threading.Lock()

    def address(self) -> str:
        with self.lock:
            self.counter += 1
            return f"soak-{self.run}-{self.counter}@example.re"

    def submitted(self, name: str, email: str) -> None:
        with self.record.lock:
            self.record.expected_emails.add(email)
            self.record.submissions[name] += 1

    def simple(self, name: str, path: str, fields: dict) -> None:
        visitor = Visitor(self.port, self.record)
        token = visitor.form_token(path)
        if token is None:
            return
        email = self.address()
        data = {**fields, "email": email, "consent": "on", "website_url": "", "csrfmiddlewaretoken": token}
        if visitor.fetch("POST", path, data, marker="Vérifiez votre messagerie") is not None:
            self.submitted(name, email)

    def intake(self, commune: int) -> None:
        visitor = Visitor(self.port, self.record)
        email = self.address()
        for name, fields in STEPS:
            path = f"/accompagnement/demande/{name}/"
            token = visitor.form_token(path)
            if token is None:
                return
            data = {k: (commune if v is None else v) for k, v in fields.items()}
            if "email" in data:
                data["email"] = email
            if visitor.fetch("POST", path, {**data, "csrfmiddlewaretoken": token}, expect=(302,)) is None:
                return
        path = "/accompagnement/demande/envoi/"
        token = visitor.form_token(path)
        if token is None:
            return
        fields = {"consent": "on", "website_url": "", "csrfmiddlewaretoken": token}
        if visitor.fetch("POST", path, fields, expect=(302,)) is not None:
            self.submitted("intake", email)

    def send_one(self, targets: Targets, rng: random.Random) -> None:
        name = rng.choices([n for n, _w in FORMS], weights=[w for _n, w in FORMS])[0]
        if name == "newsletter":
            self.simple(name, "/actualites/lettre/", {})
        elif name == "job-alert":
            search = urllib.parse.urlencode({"q": rng.choice(JOB_WORDS)})
            self.simple(name, f"/emplois/alertes/nouvelle/?{search}", {"frequency": "hebdomadaire"})
        elif name == "tools-alert":
            self.simple(name, "/financer-et-acheter/alertes/nouvelle/", {"frequency": "hebdomadaire"})
        else:
            self.intake(targets.commune)


# --- Processes, memory, outbox -----------------------------------------------------------------


def process_tree() -> dict[int, list[int]]:
    children: dict[int, list[int]] = collections.defaultdict(list)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                stat = (entry / "stat").read_text()
                children[int(stat.rsplit(")", 1)[1].split()[1])].append(int(entry.name))
    return children


def rss_mb(root: int) -> float:
    """VmRSS of `root` and all its descendants, in MB."""
    tree, total, stack = process_tree(), 0, [root]
    while stack:
        pid = stack.pop()
        stack += tree.get(pid, [])
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total / 1024


def gunicorn_master() -> int:
    for pid in process_tree().get(os.getpid(), []):
        with contextlib.suppress(OSError):
            if b"gunicorn" in Path(f"/proc/{pid}/cmdline").read_bytes():
                return pid
    raise RuntimeError("processus maître de gunicorn introuvable")


def read_outbox(database_url: str, sql: str, params=()) -> list[tuple]:
    connection = psycopg2.connect(database_url)
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    finally:
        connection.close()


def outbox_counts(database_url: str) -> dict[str, int]:
    return dict(read_outbox(database_url, OUTBOX_SQL))


def soak_outbox(database_url: str, run: str) -> list[tuple[str, str]]:
    return read_outbox(database_url, SOAK_OUTBOX_SQL, (f"soak-{run}-%",))


def start_celery(env: dict, folder: Path, *args: str) -> subprocess.Popen:
    log = (folder / f"{args[0]}.log").open("wb")
    return subprocess.Popen(
        [str(VENV_BIN / "celery"), "-A", "cress", *args], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )


def wait_ready(log: Path, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while b" ready." not in log.read_bytes():
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"le worker Celery n'a pas démarré : {log.read_text(errors='replace')[-2000:]}")
        time.sleep(0.2)


def logged_errors(folder: Path) -> int:
    """The worker's and beat's log lines at ERROR or above (their logs are JSON lines): 1 if any."""
    found = 0
    for name in ("worker", "beat"):
        lines = (folder / f"{name}.log").read_text(errors="replace").splitlines()
        errors = [line for line in lines if '"level": "ERROR"' in line or '"level": "CRITICAL"' in line]
        print(f"journal du {name} : {len(lines)} lignes, {len(errors)} erreurs")
        sent = collections.Counter(re.findall(r"Sending due task [\w-]+ \(([\w.]+)\)", "\n".join(lines)))
        if sent:
            print("  tâches périodiques envoyées : " + ", ".join(f"{task} × {n}" for task, n in sorted(sent.items())))
        for line in errors[:5]:
            print("   ", line[:400])
        found += len(errors)
    return 1 if found else 0


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# --- The run ---------------------------------------------------------------------------------


def run_clients(*, port: int, targets: Targets, record: Record, forms: Forms, clients: int, seconds: float):
    actions = {"public": public_page, "search": search, "admin": admin_page, "partner": partner_page}
    kinds, weights = [k for k, _w, _d in MIX], [w for _k, w, _d in MIX]
    deadline = time.monotonic() + seconds

    def client(index: int) -> None:
        rng = random.Random(index * 7919 + time.time_ns())
        visitor = Visitor(port, record)
        while time.monotonic() < deadline:
            kind = rng.choices(kinds, weights=weights)[0]
            record.current.kind = kind
            with record.lock:
                record.kinds[kind] += 1
            if kind == "form":
                forms.send_one(targets, rng)
            else:
                actions[kind](visitor, targets, rng)

    threads = [threading.Thread(target=client, args=(index,), daemon=True) for index in range(clients)]
    for thread in threads:
        thread.start()
    return threads


def settle(database_url: str, run: str, sink: SmtpSink, expected: int, timeout: float) -> float:
    """Wait until no email of the soak is waiting or being sent and the sink got them all (or
    the timeout: the outbox sweep re-enqueues what a lost task left, every 5 minutes)."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        rows = soak_outbox(database_url, run)
        waiting = sum(1 for _to, status in rows if status in ("pending", "sending"))
        received = sum(1 for message in list(sink.messages) if any(f"soak-{run}-" in to for to in message["to"]))
        if not waiting and len(rows) >= expected and received >= expected:
            break
        time.sleep(1)
    return time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers (the Dockerfile's 3)")
    parser.add_argument("--reuse", action="store_true", help="keep the database of a previous soak (faster)")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_SOAK_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cress_bench_soak"),
    )
    args = parser.parse_args()
    run = secrets.token_hex(3)
    if not args.reuse:
        name = args.database_url.rsplit("/", 1)[1]
        subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", name], check=True)

    with tempfile.TemporaryDirectory(prefix="soak-") as folder_name:
        folder = Path(folder_name)
        redis_server = PrivateRedis(directory=folder / "redis")
        redis_server.start()
        sink = SmtpSink()
        sink.start()
        extra = {
            **RAISED_LIMITS,
            "REDIS_URL": redis_server.url,
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(sink.port),
            "EMAIL_TIMEOUT": "10",
        }
        prepared = {}

        def prepare(env):
            started = time.monotonic()
            script = OFFERS_SCRIPT.replace("__SIZE__", str(OFFERS_SIZE)).replace("__CLOSED__", str(OFFERS_CLOSED))
            for code in (PREPARE, script.replace("__DATA__", repr(offers_data()))):
                out = subprocess.run(
                    [sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, capture_output=True,
                    text=True,
                )  # fmt: skip
                if out.returncode:
                    sys.exit(f"préparation : {out.stderr[-3000:]}")
                prepared.update(json.loads(out.stdout.strip().splitlines()[-1]) if code is PREPARE else {})
            print(f"base préparée en {time.monotonic() - started:.0f} s : {prepared}", flush=True)

        try:
            with gunicorn_server(
                database_url=args.database_url, workers=args.workers, prepare=prepare, extra_env=extra
            ) as (port, env):
                celery_env = {**env, "LOG_LEVEL": "INFO"}  # the worker says « ready. » at INFO
                worker = start_celery(celery_env, folder, "worker", "--concurrency=2", "--without-gossip")
                beat = start_celery(celery_env, folder, "beat", "-s", str(folder / "beat-schedule"))
                try:
                    wait_ready(folder / "worker.log", worker)
                    status = soak(args, run, port, prepared, sink, worker, beat)
                finally:
                    stop(beat)
                    stop(worker)
                return max(status, logged_errors(folder))
        finally:
            sink.stop()
            redis_server.stop()


def soak(args, run, port, prepared, sink, worker, beat) -> int:
    record = Record()
    targets = discover(port, prepared["commune"])
    forms = Forms(port, record, run)
    master = gunicorn_master()
    seconds = args.minutes * 60
    print(f"Machine : {platform.machine()}, {os.cpu_count()} cœurs, Python {platform.python_version()}")
    print(
        f"gunicorn {args.workers} workers sync, 1 worker Celery (2 processus), 1 beat, PostgreSQL, Redis et puits "
        f"SMTP propres ; {args.clients} clients pendant {args.minutes:g} min"
    )
    print(
        f"pages : {len(targets.public)} publiques, {' + '.join(str(len(pages)) for _b, pages in targets.admin)} admin "
        f"(superutilisateur, Accueil, Communication), {len(targets.partner)} partenaire\n"
    )
    print(
        f"{'min':>4} {'requêtes':>9} {'erreurs':>8} {'p50 ms':>7} {'p95 ms':>7} {'gunicorn Mo':>12} "
        f"{'worker Mo':>10} {'beat Mo':>8} {'charge':>6}  boîte d'envoi"
    )
    started = time.monotonic()
    threads = run_clients(port=port, targets=targets, record=record, forms=forms, clients=args.clients, seconds=seconds)
    gunicorn_rss = {}
    for minute in range(1, math.ceil(args.minutes) + 1):
        time.sleep(max(0.0, started + min(minute * 60, seconds) - time.monotonic()))
        window = record.take_minute()
        gunicorn_rss[minute] = rss_mb(master)
        with record.lock:
            done, errors = len(record.latencies), sum(record.errors.values())
        print(
            f"{minute:>4} {done:>9} {errors:>8} {percentile(window, 0.5):>7.1f} {percentile(window, 0.95):>7.1f} "
            f"{gunicorn_rss[minute]:>12.0f} {rss_mb(worker.pid):>10.0f} {rss_mb(beat.pid):>8.0f} "
            f"{os.getloadavg()[0]:>6.1f}  "
            f"{outbox_counts(args.database_url)}",
            flush=True,
        )
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started

    expected = len(record.expected_emails)
    waited = settle(args.database_url, run, sink, expected, timeout=360)
    rows = soak_outbox(args.database_url, run)
    sent = sum(1 for _to, status in rows if status == "sent")
    received_to = collections.Counter(
        to for message in list(sink.messages) for to in message["to"] if to.startswith(f"soak-{run}-")
    )
    received = sum(received_to.values())
    lost = len(record.expected_emails - set(received_to))
    duplicated = sum(count - 1 for count in received_to.values()) + (len(rows) - len({to for to, _s in rows}))
    unexpected = len(set(received_to) - record.expected_emails)

    print(
        f"\n{len(record.latencies)} requêtes réussies en {elapsed:.0f} s "
        f"({len(record.latencies) / elapsed:.1f} req/s), p50 {percentile(record.latencies, 0.5):.1f} ms, "
        f"p95 {percentile(record.latencies, 0.95):.1f} ms, p99 {percentile(record.latencies, 0.99):.1f} ms"
    )
    print("actions : " + ", ".join(f"{kind} {count}" for kind, count in record.kinds.most_common()))
    for kind, latencies in sorted(record.by_kind.items(), key=lambda item: -len(item[1])):
        print(
            f"  {kind:8} {len(latencies):>7} requêtes   p50 {percentile(latencies, 0.5):7.1f} ms   "
            f"p95 {percentile(latencies, 0.95):7.1f} ms"
        )
    print("formulaires envoyés : " + ", ".join(f"{name} {n}" for name, n in record.submissions.most_common()))
    print(f"boîte d'envoi (toute la base) : {outbox_counts(args.database_url)}, stabilisée en {waited:.0f} s")
    print(
        f"emails: expected {expected}, sent {sent}, received {received}, lost {lost}, duplicated {duplicated}"
        + (f", unexpected {unexpected}" if unexpected else "")
    )
    failures = []
    errors = sum(record.errors.values())
    if errors:
        failures.append(f"{errors} erreurs")
        print("\nerreurs par URL :")
        for label, count in record.errors.most_common():
            print(f"  {count:>6}  {label}")
    if lost or duplicated or sent != expected:
        failures.append("courriels perdus ou en double")
    if len(gunicorn_rss) >= 3:
        first, last = gunicorn_rss[2], gunicorn_rss[max(gunicorn_rss)]
        growth = (last - first) / first
        print(f"RSS de gunicorn : {first:.0f} Mo à la minute 2, {last:.0f} Mo à la fin ({growth:+.1%})")
        if growth > RSS_GROWTH_LIMIT:
            failures.append(f"mémoire de gunicorn +{growth:.0%}")
    else:
        print("RSS de gunicorn : moins de 3 minutes, croissance non jugée")
    print("résultat des clients : " + ("OK" if not failures else "ÉCHEC — " + ", ".join(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
