# Portail ESS Réunion — the two commands: `make run` and `make test`.
# PYTHON=/path/to/python3.13 picks the interpreter (>= 3.12); VENV=... the virtualenv.

SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test screenshots install install-dev assets lint format migrate worker beat backup restore bench bench-annuaire bench-accueil bench-observatoire bench-formation bench-partenariats bench-territoires bench-experimentations bench-emplois bench-emplois-alertes bench-appartenance bench-ressources lock audit clean help

help:
	@echo "make run    — installe, migre, charge la démo et sert le portail sur http://$(HOST):$(PORT)/"
	@echo "make test   — installe les outils, vérifie (ruff, migrations, check) et lance pytest"
	@echo "make screenshots — les parcours dans Chromium, chaque page en PNG dans test-artifacts/screenshots/"
	@echo "make worker / make beat — un worker Celery / l'ordonnanceur (CELERY_BROKER_URL requis)"
	@echo "make backup — sauvegarde base et fichiers (PostgreSQL) ; make restore SAUVEGARDE=dossier BASE=base_vide"
	@echo "make audit  — vulnérabilités connues des dépendances (pip-audit, npm audit ; réseau requis, hors make test)"
	@echo "make lock   — régénère requirements*.txt (versions et empreintes) depuis requirements*.in"

$(VENV)/.python:
	@py=$$(scripts/find-python.sh) && "$$py" -m venv $(VENV) && echo "$$py" > $@

$(VENV)/.installed: requirements.txt $(VENV)/.python
	$(PIP) install -q --disable-pip-version-check --require-hashes -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(PIP) install -q --disable-pip-version-check --require-hashes -r requirements-dev.txt
	@touch $@

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm est introuvable : installez Node.js et npm (apt-get install -y nodejs npm)." >&2; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

install: $(VENV)/.installed node_modules/.installed
install-dev: $(VENV)/.installed-dev node_modules/.installed
assets: node_modules/.installed

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo ""
	@echo "Portail : http://$(HOST):$(PORT)/   Gestion : http://$(HOST):$(PORT)/$${ADMIN_URL:-gestion/}"
	@echo "Connexion : une adresse ci-dessus et le mot de passe de démonstration affiché."
	@scripts/run.sh $(PY) $(HOST) $(PORT)

# A run has its own test database and Redis keys, named after a run id and removed at the
# end (scripts/test.sh): two clones can run `make test` at the same time.
test: install-dev
	@scripts/system-deps.sh
	@scripts/services.sh
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	scripts/test.sh $(PY) $(PYTEST_ARGS)

# The browser journeys (holder, partner, public pages at 320/360/1280 px), each page saved
# as a PNG in test-artifacts/screenshots/ to be looked at (tests/helpers/screenshots.py).
screenshots: install-dev
	@scripts/system-deps.sh
	@scripts/services.sh
	rm -rf test-artifacts/screenshots
	SCREENSHOT_DIR=$(CURDIR)/test-artifacts/screenshots scripts/test.sh $(PY) -m browser -q
	@echo "Captures : test-artifacts/screenshots/ ($$(ls test-artifacts/screenshots | wc -l) fichiers)"

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

worker: install
	$(VENV)/bin/celery -A cress worker --loglevel=INFO

beat: install
	$(VENV)/bin/celery -A cress beat --loglevel=INFO

backup: install
	$(PY) manage.py backup

restore: install
	@test -n "$(SAUVEGARDE)" || (echo "Usage : make restore SAUVEGARDE=dossier [BASE=nom_de_base_vide]" >&2; exit 2)
	$(PY) manage.py restore "$(SAUVEGARDE)" $(if $(BASE),--base "$(BASE)")

bench: install-dev
	@scripts/services.sh
	$(PY) -m bench.pages

bench-annuaire: install-dev
	@scripts/services.sh
	$(PY) -m bench.directory

bench-accueil: install-dev
	@scripts/services.sh
	$(PY) -m bench.accueil

bench-observatoire: install-dev
	@scripts/services.sh
	$(PY) -m bench.observatoire

bench-formation: install-dev
	@scripts/services.sh
	$(PY) -m bench.formation_registration

bench-partenariats: install-dev
	@scripts/services.sh
	$(PY) -m bench.partenariats

bench-experimentations: install-dev
	@scripts/services.sh
	$(PY) -m bench.experimentations_tools

bench-territoires: install-dev
	@scripts/services.sh
	$(PY) -m bench.territoires

bench-emplois-alertes: install-dev
	@scripts/services.sh
	$(PY) -m bench.emplois_alerts

bench-emplois: install-dev
	@scripts/services.sh
	$(PY) -m bench.emplois_search --clients 10 --seconds 20

# « L'ESS et vous »: the self-check's answer page, then the membership badge.
bench-appartenance: install-dev
	@scripts/services.sh
	$(PY) -m bench.appartenance_selfcheck
	$(PY) -m bench.appartenance_badge

bench-ressources: install-dev
	@scripts/services.sh
	$(PY) -m bench.appartenance_resources

# The good-practices report's PDF (WeasyPrint), timed per size of assessment.
.PHONY: bench-rapport
bench-rapport: install-dev
	@scripts/services.sh
	$(PY) -m bench.appartenance_report

# The whole portal for 10 minutes under 50 clients, with its worker and beat (MINUTES=, CLIENTS=).
.PHONY: bench-soak
bench-soak: install-dev
	@scripts/services.sh
	$(PY) -m bench.soak --minutes $(or $(MINUTES),10) --clients $(or $(CLIENTS),50)

# requirements*.in (direct dependencies) -> requirements*.txt (everything, pinned with the
# hashes of its files). Resolved against the public index alone: no local index, wheel
# folder or constraint of this machine's pip configuration may slip in its own files.
PIP_COMPILE := env -u PIP_FIND_LINKS -u PIP_INDEX_URL -u PIP_EXTRA_INDEX_URL -u PIP_CONSTRAINT \
	PIP_CONFIG_FILE=/dev/null CUSTOM_COMPILE_COMMAND="make lock" $(VENV)/bin/pip-compile --quiet \
	--allow-unsafe --generate-hashes --strip-extras --no-emit-index-url --no-emit-find-links

lock: install-dev
	$(PIP_COMPILE) --output-file requirements.txt requirements.in
	$(PIP_COMPILE) --output-file requirements-dev.txt requirements-dev.in

# Not part of `make test`: needs the advisory databases on the network (see scripts/audit.sh).
audit: install-dev node_modules/.installed
	@scripts/audit.sh $(VENV)/bin

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .ruff_cache
