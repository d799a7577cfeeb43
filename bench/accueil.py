"""Intake at scale: 50 000 requests (all states, history, orientations), gunicorn 2 workers.

    make bench-accueil      (or: python -m bench.accueil --seconds 15)

Prints p50/p95 of the intake submission with 20 concurrent clients (final POSTs alone,
then while the clients also fill the steps), of the admin changelist with filters, of the
staff dashboard and of a partner's list of orientations (10 clients each).
"""

import argparse
import http.client
import os
import platform
import re
import secrets
import subprocess
import sys
import threading
import time
import urllib.parse

from bench.directory import ensure_directory
from bench.loadgen import LoadResult, print_against_bare, run_load
from bench.server import ROOT, gunicorn_server

SIZE = 50_000
PASSWORD = "banc-de-mesure-2026"  # noqa: S105 — throwaway accounts of the benchmark database
# The staff account's authenticator key (hex), so that the benchmark passes the second factor.
TOTP_KEY = "3132333435363738393031323334353637383930"

PREPARE = f"""
from django.contrib.auth.models import Group
from accueil.demo import seed_bulk_requests
from accueil.models import Orientation
from annuaire.models import PartnerMembership
from comptes.models import User
seed_bulk_requests(size={SIZE})
staff, _ = User.objects.get_or_create(email="banc-accueil@example.re", defaults={{"is_staff": True}})
staff.set_password("{PASSWORD}"); staff.is_staff = True; staff.save()
staff.groups.set([Group.objects.get(name="Accueil")])
from django_otp.plugins.otp_totp.models import TOTPDevice
TOTPDevice.objects.update_or_create(user=staff, name="banc", defaults={{"key": "{TOTP_KEY}", "confirmed": True}})
organisation = Orientation.objects.values_list("organisation", flat=True).first()
partner, _ = User.objects.get_or_create(email="banc-partenaire@example.re")
partner.set_password("{PASSWORD}"); partner.save()
PartnerMembership.objects.get_or_create(user=partner, organisation_id=organisation)
print("orientations du partenaire", Orientation.objects.filter(organisation_id=organisation).count())
"""


class Browser:
    """Just enough of a browser: cookies (whatever their flags) and CSRF tokens."""

    def __init__(self, port):
        self.port = port
        self.cookies = {}

    def request(self, method, path, fields=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Host": "127.0.0.1", "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read().decode()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        connection.close()
        return response.status, content

    def csrf(self, path):
        _status, content = self.request("GET", path)
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', content).group(1)

    def login(self, path, email):
        token = self.csrf(path)
        status, _ = self.request("POST", path, {"csrfmiddlewaretoken": token, "username": email, "password": PASSWORD})
        assert status == 302, f"connexion refusée pour {email}"
        if self.needs_code():
            self.second_factor()

    def needs_code(self) -> bool:
        status, _ = self.request("GET", "/compte/connexion/verification/")
        return status == 200

    def second_factor(self):
        """Staff log in with a code of their authenticator app (the benchmark's known key)."""
        from django_otp.oath import TOTP

        totp = TOTP(bytes.fromhex(TOTP_KEY))
        totp.time = time.time()
        token = self.csrf("/compte/connexion/verification/")
        fields = {"csrfmiddlewaretoken": token, "code": f"{totp.token():06d}"}
        status, _ = self.request("POST", "/compte/connexion/verification/", fields)
        assert status == 302, "code de double authentification refusé"


STEPS = [
    ("personne", {"first_name": "Céline", "last_name": "Dijoux", "email": "banc@example.re", "commune": None}),
    (
        "projet",
        {
            "title": "Épicerie solidaire",
            "description": "Mesure.",
            "stage": "creation",
            "activity_commune": None,
            "legal_form_kind": "association",
        },
    ),
    ("besoin", {"needs": ["financement"]}),
    ("participant", {}),
]


def fill_steps(port, commune_pk) -> tuple[Browser, str]:
    """A visitor who has filled the four first steps and opened the last one: its browser
    and the CSRF token of the final form."""
    browser = Browser(port)
    for name, fields in STEPS:
        token = browser.csrf(f"/accompagnement/demande/{name}/")
        data = {k: (commune_pk if v is None else v) for k, v in fields.items()}
        if "email" in data:  # a different person each time: the duplicate check runs in full
            data["email"] = f"banc.{secrets.token_hex(6)}@example.re"
        status, _ = browser.request("POST", f"/accompagnement/demande/{name}/", {**data, "csrfmiddlewaretoken": token})
        assert status == 302, f"étape {name} : {status}"
    return browser, browser.csrf("/accompagnement/demande/envoi/")


def send(browser: Browser, token: str) -> float:
    """The final POST, the one that writes the request: its duration in milliseconds."""
    started = time.perf_counter()
    status, _ = browser.request(
        "POST", "/accompagnement/demande/envoi/", {"consent": "on", "csrfmiddlewaretoken": token}
    )
    elapsed = (time.perf_counter() - started) * 1000
    assert status == 302, f"envoi : {status}"
    return elapsed


def run_clients(clients: int, work) -> float:
    threads = [threading.Thread(target=work, args=(index,)) for index in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.monotonic() - started


def submissions_alone(port, commune_pk, clients, per_client) -> LoadResult:
    """20 visitors send their request at the same time, again and again: the sessions (steps
    1–4 filled) are prepared beforehand, so only final POSTs hit the server while timed."""
    result = LoadResult(label="dépôt seul (POST final, 20 clients)")
    pools = [[] for _ in range(clients)]

    def prepare(index):
        pools[index] = [fill_steps(port, commune_pk) for _ in range(per_client)]

    run_clients(clients, prepare)
    lock = threading.Lock()

    def client(index):
        for browser, token in pools[index]:
            elapsed = send(browser, token)
            with lock:
                result.latencies_ms.append(elapsed)

    result.seconds = run_clients(clients, client)
    return result


def submissions_with_steps(port, commune_pk, clients, seconds) -> LoadResult:
    """20 visitors each fill the five steps in a loop; only the final POST is timed, while
    the server is also busy with the other clients' steps."""
    result = LoadResult(label="dépôt pendant les étapes (20 clients)")
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(_index):
        while time.monotonic() < deadline:
            try:
                elapsed = send(*fill_steps(port, commune_pk))
            except (AssertionError, OSError, AttributeError):
                with lock:
                    result.errors += 1
                continue
            with lock:
                result.latencies_ms.append(elapsed)

    result.seconds = run_clients(clients, client)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cress_bench")
    )
    args = parser.parse_args()

    def prepare(env):
        ensure_directory(env)  # the support structures that requests are oriented to
        started = time.monotonic()
        out = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", PREPARE], cwd=ROOT, env=env, capture_output=True, text=True,
            check=True,
        )  # fmt: skip
        print(out.stdout.strip().splitlines()[-1], f"(préparation {time.monotonic() - started:.0f} s)", flush=True)

    extra = {"INTAKE_SUBMISSIONS_PER_HOUR": "1000000"}
    with gunicorn_server(database_url=args.database_url, prepare=prepare, extra_env=extra) as (port, env):
        commune = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c",
             "from referentiels.models import Territory as T; print(T.objects.get(kind='commune', code='97411').pk)"],
            cwd=ROOT, env=env, capture_output=True, text=True, check=True,
        ).stdout.strip().splitlines()[-1]  # fmt: skip
        staff = Browser(port)
        staff.login("/gestion/login/", "banc-accueil@example.re")
        partner = Browser(port)
        partner.login("/compte/connexion/", "banc-partenaire@example.re")

        def cookie(browser):
            return {"Cookie": "; ".join(f"{k}={v}" for k, v in browser.cookies.items())}

        print(f"Machine : {platform.machine()}, {os.cpu_count()} cœurs, Python {platform.python_version()}")
        print(f"gunicorn 2 workers sync, PostgreSQL, {SIZE} demandes, {args.seconds:.0f} s par mesure\n")
        bare = run_load(host="127.0.0.1", port=port, paths=["/_bench/gabarit/"], clients=10,
                        seconds=args.seconds, label="gabarit nu (10 clients)")  # fmt: skip
        results = [
            submissions_alone(port, commune, 20, per_client=40),
            submissions_with_steps(port, commune, 20, args.seconds),
        ]
        pages = [
            ("liste des demandes (admin), filtre état",
             ["/gestion/accueil/intakerequest/?status__exact=qualification"]),
            ("liste des demandes (admin), filtres variés", [
                "/gestion/accueil/intakerequest/",
                "/gestion/accueil/intakerequest/?sans_action=oui",
                "/gestion/accueil/intakerequest/?q=epicerie",
                "/gestion/accueil/intakerequest/?stage__exact=creation&status__exact=suivi",
            ]),
            ("tableau de bord", ["/gestion/accueil/intakerequest/tableau-de-bord/"]),
        ]  # fmt: skip
        for label, paths in pages:
            results.append(
                run_load(host="127.0.0.1", port=port, paths=paths, clients=10, seconds=args.seconds, label=label,
                         headers=cookie(staff))
            )  # fmt: skip
        results.append(
            run_load(host="127.0.0.1", port=port, paths=["/accompagnement/partenaire/"], clients=10,
                     seconds=args.seconds, label="liste du partenaire", headers=cookie(partner))
        )  # fmt: skip
        print_against_bare(bare, results)


if __name__ == "__main__":
    main()
