"""Settings of the Portail ESS Réunion.

One module for every environment. Each value comes from an environment variable
with an explicit default; `.env.example` lists them all. `DJANGO_ENV` picks the
defaults: `development` (the zero-setup default of `make run`), `test`, or
`production`, where the secrets have no default and their absence stops the start.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

from cress.env import envbool, envdate, envint, envintlist, envlist, envstr, require

BASE_DIR = Path(__file__).resolve().parent.parent

DJANGO_ENV = envstr("DJANGO_ENV", "development")
if DJANGO_ENV not in {"development", "test", "production"}:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"DJANGO_ENV={DJANGO_ENV!r}: expected development, test or production.")
PRODUCTION = DJANGO_ENV == "production"

DEBUG = envbool("DJANGO_DEBUG", DJANGO_ENV == "development")
if PRODUCTION and DEBUG:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("DJANGO_DEBUG cannot be true in production.")

_WHY = "when DJANGO_ENV=production"
if PRODUCTION:
    SECRET_KEY = require("SECRET_KEY", envstr("SECRET_KEY"), _WHY)
    ALLOWED_HOSTS = envlist("ALLOWED_HOSTS")
    require("ALLOWED_HOSTS", ",".join(ALLOWED_HOSTS), _WHY)
    DATABASE_URL = require("DATABASE_URL", envstr("DATABASE_URL"), _WHY)
    # Several web processes must share one cache: directory versions, lockouts, rate limits.
    require("REDIS_URL", envstr("REDIS_URL"), _WHY)
else:
    # Only for development and tests: a fixed key would be a secret in the repository.
    SECRET_KEY = envstr("SECRET_KEY", "dev-only-insecure-key-8f3a0c2e7b5d4e6f9a1b2c3d4e5f6a7b8c9d0e1f")
    ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
    DATABASE_URL = envstr("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")

CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

# Absolute address of the portal, for links in emails and feeds.
SITE_URL = envstr("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = "Portail ESS Réunion"

# Demo content (accounts with known passwords) is only ever created in demo mode.
DEMO_MODE = envbool("DEMO_MODE", DJANGO_ENV == "development")
if PRODUCTION and DEMO_MODE:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("DEMO_MODE cannot be true in production.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "simple_history",
    "rest_framework",
    "drf_spectacular",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # Lower layers: every feature app may import these.
    "referentiels",
    "comptes",
    "annuaire",
    "messagerie",
    # Feature apps, one per CRESS action; they never import each other.
    "accueil",
    "partenariats",
    "territoires",
    "observatoire",
    "communication",
    "formation",
    "experimentations",
    "appartenance",
    "emplois",
    # Composition root: site pages, healthz, demo data.
    "cress",
]

MIDDLEWARE = [
    # First: every line a request writes carries its id, returned in X-Request-ID.
    "cress.logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the session middleware: a response marked cookieless (the badge) leaves without
    # the Vary: Cookie and the cookies the inner middleware may add.
    "lib.cookieless.CookielessMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Staff (and partners who opted in) reach nothing but the second-factor step until verified.
    "comptes.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the messages: it says why an idle staff session ended.
    "comptes.middleware.StaffIdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout signal into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cress.urls"
WSGI_APPLICATION = "cress.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cress.context_processors.site",
            ],
        },
    },
]

# Plain-text emails are rendered by a second engine without HTML escaping: an apostrophe
# in a name must arrive as ', not &#x27;.
TEMPLATES.append(
    {
        "NAME": "text",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"autoescape": False},
    }
)

DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=envint("DB_CONN_MAX_AGE", 60))}
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # No JIT compilation: the portal's queries are short, and on the directory's facet
    # queries the compilation alone took 290 ms of a 500 ms query (bench/README.md).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis when REDIS_URL is set (shared by every web process, needed for rate
# limits across processes), else a per-process memory cache for the embedded default.
REDIS_URL = envstr("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "lib.cache.ResilientRedisCache",  # an outage of Redis slows pages, never breaks them
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": envstr("CACHE_KEY_PREFIX", "cress"),
            "TIMEOUT": 300,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

SESSION_ENGINE = "django.contrib.sessions.backends.db"

AUTH_USER_MODEL = "comptes.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if DJANGO_ENV == "test":
    # Hashing cost is not what the tests check; the real hashers stay everywhere else.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "comptes:connexion"
LOGIN_REDIRECT_URL = "comptes:apres-connexion"
# Where that page sends a partner and anyone else who is not staff (staff go to the admin):
# pages of apps above comptes, so the composition root names them.
PARTNER_LOGIN_REDIRECT_URL = "accueil:partenaire-liste"
VISITOR_LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_RESET_TIMEOUT = envint("PASSWORD_RESET_TIMEOUT", 3600)
# Days a "choose your password" link sent with a newly given access stays valid.
ACCOUNT_ACTIVATION_DAYS = envint("ACCOUNT_ACTIVATION_DAYS", 14)
PASSWORD_RESETS_PER_HOUR = envint("PASSWORD_RESETS_PER_HOUR", 5)

# Login lockout (django-axes): after AXES_FAILURE_LIMIT failures for one email from
# one address, that pair is locked out for AXES_COOLOFF_MINUTES; after
# LOGIN_ADDRESS_FAILURE_LIMIT failures from one address, whatever the accounts tried
# (password spraying), the address is. Emails count by their login identity (case, spaces,
# full-width letters folded) and wrong second-factor codes count too: comptes/lockout.py.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
LOGIN_ADDRESS_FAILURE_LIMIT = envint("LOGIN_ADDRESS_FAILURE_LIMIT", 20)
AXES_COOLOFF_TIME = timedelta(minutes=envint("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "comptes.lockout.LoginLockoutHandler"
AXES_USERNAME_CALLABLE = "comptes.lockout.lockout_username"
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code", "recovery_code"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "comptes.views.lockout"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False
# Number of reverse proxies in front of the portal. With none, only REMOTE_ADDR is trusted
# (an X-Forwarded-For header sent by a client must not dodge lockouts and rate limits);
# behind N proxies, the address N hops from the right of X-Forwarded-For is the client's.
PROXY_COUNT = envint("PROXY_COUNT", 0)
AXES_IPWARE_PROXY_COUNT = PROXY_COUNT or None
AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if PROXY_COUNT else ("REMOTE_ADDR",)
# How long login attempts (email, IP address) are kept before the purge job deletes them.
LOGIN_ATTEMPTS_RETENTION_DAYS = envint("LOGIN_ATTEMPTS_RETENTION_DAYS", 30)
# Second factor (django-otp, TOTP): required for staff, optional for partners. A staff
# session lasts a working day; codes tried per account and hour on the verification page.
STAFF_SESSION_HOURS = envint("STAFF_SESSION_HOURS", 9)
# ... and ends sooner when left idle this long (comptes.middleware.StaffIdleTimeoutMiddleware).
STAFF_IDLE_MINUTES = envint("STAFF_IDLE_MINUTES", 30)
SECOND_FACTOR_TRIES_PER_HOUR = envint("SECOND_FACTOR_TRIES_PER_HOUR", 30)
OTP_TOTP_ISSUER = SITE_NAME

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Indian/Reunion"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# collectstatic writes here in production; elsewhere WhiteNoise serves from the finders.
STATIC_ROOT = Path(envstr("STATIC_ROOT", str(BASE_DIR / "staticfiles"))) if PRODUCTION else None
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG
NODE_MODULES = BASE_DIR / "node_modules"
# Front-end packages come from the npm registry (package-lock.json) and are served
# under /static/vendor/ by WhiteNoise: no CDN at run time.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/leaflet", NODE_MODULES / "leaflet" / "dist"),
    ("vendor/leaflet.markercluster", NODE_MODULES / "leaflet.markercluster" / "dist"),
    ("vendor/trix", NODE_MODULES / "trix" / "dist"),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(envstr("MEDIA_ROOT", str(BASE_DIR / "media")))
# Where `manage.py backup` writes its folders (database dump, files, manifest, checksums).
BACKUP_DIR = Path(envstr("BACKUP_DIR", str(BASE_DIR / "sauvegardes")))
# Uploads: the local disk (MEDIA_ROOT), or, when S3_BUCKET is set, an S3-compatible object
# storage shared by every machine (django-storages). The bucket stays private: files leave only
# through the portal's views (lib/downloads.py), which check who asks.
S3_BUCKET = envstr("S3_BUCKET", "")
S3_STORAGE = {
    "BACKEND": "storages.backends.s3.S3Storage",
    "OPTIONS": {
        "bucket_name": S3_BUCKET,
        "endpoint_url": envstr("S3_ENDPOINT_URL", "") or None,  # empty: AWS itself
        "region_name": envstr("S3_REGION", "") or None,
        # Empty: boto3 finds credentials itself (the machine's role, ~/.aws).
        "access_key": envstr("S3_ACCESS_KEY_ID", "") or None,
        "secret_key": envstr("S3_SECRET_ACCESS_KEY", "") or None,
        "location": envstr("S3_PREFIX", "media"),
        "default_acl": "private",
        "file_overwrite": False,
        "querystring_expire": 60,
        "addressing_style": "path",
    },
}
STORAGES = {
    "default": S3_STORAGE if S3_BUCKET else {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# The admin lives at a configurable path so that it is not where scanners look first.
ADMIN_URL = envstr("ADMIN_URL", "gestion/").strip("/") + "/"

# --- Email -------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "Portail ESS Réunion <ne-pas-repondre@ess-reunion.re>")
SERVER_EMAIL = envstr("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
EMAIL_BACKEND_PATH = envstr(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
MAILERS = {"default": {"BACKEND": EMAIL_BACKEND_PATH}}
if EMAIL_BACKEND_PATH.endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": envstr("EMAIL_HOST", "localhost"),
        "port": envint("EMAIL_PORT", 25),
        "username": envstr("EMAIL_HOST_USER"),
        "password": envstr("EMAIL_HOST_PASSWORD"),
        "use_tls": envbool("EMAIL_USE_TLS", False),
        "use_ssl": envbool("EMAIL_USE_SSL", False),
        "timeout": envint("EMAIL_TIMEOUT", 20),
    }
# Sent outbox rows hold personal data (recipient, content): deleted after this many days.
OUTBOX_RETENTION_DAYS = envint("OUTBOX_RETENTION_DAYS", 90)
OUTBOX_MAX_ATTEMPTS = envint("OUTBOX_MAX_ATTEMPTS", 8)
# An email claimed by a worker and neither sent nor refused after this many seconds (the
# worker died while sending it) is marked « envoi incertain »: never resent automatically,
# since the mail server may have accepted it; staff may send it again knowingly. Keep it well
# above EMAIL_TIMEOUT.
OUTBOX_SENDING_TIMEOUT = envint("OUTBOX_SENDING_TIMEOUT", 900)

# --- Background work (Celery) ----------------------------------------------------------
# With no broker configured, tasks run in-process (the embedded default of `make run`).
CELERY_BROKER_URL = envstr("CELERY_BROKER_URL", REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = envstr("CELERY_QUEUE", "cress")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
# Every broker key (queues, unacknowledged messages, bindings, control channels) starts with
# this prefix: several portals, or several test runs, share one Redis database safely.
if _broker_key_prefix := envstr("CELERY_KEY_PREFIX"):
    CELERY_BROKER_TRANSPORT_OPTIONS["global_keyprefix"] = _broker_key_prefix
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# A request that enqueues a task must not hang when the broker is down: give up
# quickly, the outbox row stays pending and the periodic sweep sends it later.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
CELERY_TIMEZONE = TIME_ZONE

# --- Public API (read-only) ---------------------------------------------------------------
# Requests per client address and minute (lib/api.py, counted like every rate limit of the
# portal by lib/ratelimit.py); over it the API answers 429 with Retry-After. This replaces
# API_RATE_LIMIT (DRF's "300/minute" syntax), which a deployment must rename.
API_REQUESTS_PER_MINUTE = envint("API_REQUESTS_PER_MINUTE", 300)
if os.environ.get("API_RATE_LIMIT"):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("API_RATE_LIMIT is replaced by API_REQUESTS_PER_MINUTE (a number, e.g. 300).")
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_THROTTLE_CLASSES": ["lib.api.ApiRateThrottle"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Every error answer is {"erreur": …, "details": …} (lib/api.py).
    "EXCEPTION_HANDLER": "lib.api.exception_handler",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "API du portail ESS Réunion",
    "DESCRIPTION": (
        "Annuaire des acteurs de l'ESS à La Réunion, en lecture seule, sous Licence Ouverte 2.0. "
        "Les champs portent les noms des colonnes de l'export CSV des données ouvertes. "
        'Toute erreur répond en JSON `{"erreur": "…", "details": {…}}` (schéma `Erreur`), '
        "y compris une adresse inconnue sous /api/ (404), une méthode autre que GET (405) "
        "et une erreur du serveur (500). "
        f"Limite : {API_REQUESTS_PER_MINUTE} requêtes par minute et par adresse, "
        "au-delà 429 avec l'en-tête Retry-After. Journal des modifications : docs/api.md du dépôt."
    ),
    "VERSION": "1.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema lists the filters' values from the reference data in the database, so it
    # cannot be generated by `check --deploy` on a build machine without one; the tests
    # generate it and run it against the API (tests/annuaire/test_api_schema.py).
    "ENABLE_DJANGO_DEPLOY_CHECK": False,
}

# --- Maps -------------------------------------------------------------------------------
# Tile server of the Leaflet maps; its origin is added to the CSP's img-src.
# Empty: maps without a background (the test default: tests never reach the internet).
MAP_TILES_URL = envstr(
    "MAP_TILES_URL", "" if DJANGO_ENV == "test" else "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
)
MAP_ATTRIBUTION = envstr("MAP_ATTRIBUTION", "© les contributeurs d'OpenStreetMap")
_TILES_ORIGIN = "/".join(MAP_TILES_URL.split("/")[:3]) if "://" in MAP_TILES_URL else ""

# --- Security -------------------------------------------------------------------------
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],  # the nonce: the admin's rich-text editor adds its own styles
    "img-src": [CSP.SELF, "data:", *([_TILES_ORIGIN] if _TILES_ORIGIN else []), *envlist("CSP_IMG_SRC")],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-src": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
}
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
if envbool("BEHIND_TLS_PROXY", PRODUCTION):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if PRODUCTION:
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", True)
    # Health probes come from the load balancer over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Benchmarks only: exposes /_bench/gabarit/, the bare layout that page figures are compared with.
BENCHMARK_VIEWS = envbool("BENCHMARK_VIEWS", False)

# Directory: how long the confirmation link sent to an organisation stays valid, and how
# many contributions or claims one address may send per hour.
CLAIM_LINK_DAYS = envint("CLAIM_LINK_DAYS", 7)
# A claim on an organisation whose address changed within this many days needs two staff approvals.
CLAIM_EMAIL_CHANGE_DAYS = envint("CLAIM_EMAIL_CHANGE_DAYS", 30)
CONTRIBUTIONS_PER_HOUR = envint("CONTRIBUTIONS_PER_HOUR", 5)
# Downloads of the open-data exports (CSV, GeoJSON) per ten minutes from one address.
EXPORTS_PER_10_MINUTES = envint("EXPORTS_PER_10_MINUTES", 30)
# RGPD: days a processed contribution or claim (name, address) is kept.
CONTRIBUTION_RETENTION_DAYS = envint("CONTRIBUTION_RETENTION_DAYS", 365)

# Accueil (intake requests): validity of the private tracking link, uploads, rate limit.
TRACKING_LINK_DAYS = envint("TRACKING_LINK_DAYS", 90)
INTAKE_MAX_FILE_MB = envint("INTAKE_MAX_FILE_MB", 5)
INTAKE_MAX_FILES = envint("INTAKE_MAX_FILES", 5)
INTAKE_MAX_FILES_TOTAL = envint("INTAKE_MAX_FILES_TOTAL", 10)
INTAKE_SUBMISSIONS_PER_HOUR = envint("INTAKE_SUBMISSIONS_PER_HOUR", 5)
# Requests for a new tracking link per hour from one address.
TRACKING_LINK_RENEWALS_PER_HOUR = envint("TRACKING_LINK_RENEWALS_PER_HOUR", 10)
# Messages, documents and answers posted on the private pages (tracking, partner) per hour
# from one address; on the partner space of the conventions, per person.
PRIVATE_PAGE_POSTS_PER_HOUR = envint("PRIVATE_PAGE_POSTS_PER_HOUR", 30)
# RGPD: months after closing before a request's documents are deleted / it is anonymised.
INTAKE_ATTACHMENTS_MONTHS = envint("INTAKE_ATTACHMENTS_MONTHS", 6)
INTAKE_ANONYMISE_MONTHS = envint("INTAKE_ANONYMISE_MONTHS", 36)
# RGPD: months after closing before an employer's HR support request is anonymised.
HR_REQUEST_ANONYMISE_MONTHS = envint("HR_REQUEST_ANONYMISE_MONTHS", 36)
# Achats responsables: days a « modification demandée » waits for the buyer before the need is
# refused; days after the answer deadline before the survey; validity of the buyer's private
# link; needs posted per hour from one address.
NEED_CHANGES_DAYS = envint("NEED_CHANGES_DAYS", 10)
NEED_SURVEY_DAYS = envint("NEED_SURVEY_DAYS", 7)
NEED_LINK_DAYS = envint("NEED_LINK_DAYS", 180)
NEED_SUBMISSIONS_PER_HOUR = envint("NEED_SUBMISSIONS_PER_HOUR", 5)
# RGPD: months after its answer deadline before a need loses its contact's details (and the
# suppliers' answers their address and message); the need stays in the purchasing figures.
NEED_ANONYMISE_MONTHS = envint("NEED_ANONYMISE_MONTHS", 24)
# Emplois, applications through the portal: the size in MB of a CV or a letter; applications
# sent per hour from one address; days the employer's private link to an application stays
# valid; months after the offer's closing date before applications and files are deleted.
APPLICATION_MAX_MB = envint("APPLICATION_MAX_MB", 5)
APPLICATIONS_PER_HOUR = envint("APPLICATIONS_PER_HOUR", 10)
EMPLOYER_LINK_DAYS = envint("EMPLOYER_LINK_DAYS", 60)
APPLICATION_RETENTION_MONTHS = envint("APPLICATION_RETENTION_MONTHS", 6)
# Emplois: an organisation's offers go to staff moderation until staff have published this many.
EMPLOIS_TRUSTED_AFTER = envint("EMPLOIS_TRUSTED_AFTER", 2)
# Partenariats: size in MB of one deliverable uploaded from the partner space or the admin.
PARTENARIATS_DELIVERABLE_MAX_MB = envint("PARTENARIATS_DELIVERABLE_MAX_MB", 20)
# Orientations: a reminder to the structure after this many days without answer, and
# expiry after that many.
ORIENTATION_REMINDER_DAYS = envint("ORIENTATION_REMINDER_DAYS", 7)
ORIENTATION_EXPIRY_DAYS = envint("ORIENTATION_EXPIRY_DAYS", 15)
# The staff's admin home counts (« Relances dues ») the orientations expiring within this many days.
ORIENTATION_EXPIRY_WARNING_DAYS = envint("ORIENTATION_EXPIRY_WARNING_DAYS", 3)
# A structure's private link works while its orientation is open, at most this long…
ORIENTATION_LINK_DAYS = envint("ORIENTATION_LINK_DAYS", 180)
# …and this long after the orientation or the request is closed.
ORIENTATION_LINK_GRACE_DAYS = envint("ORIENTATION_LINK_GRACE_DAYS", 7)
# A request in progress with no action for more than this many days is highlighted.
STALE_REQUEST_DAYS = envint("STALE_REQUEST_DAYS", 7)

# Largest request body accepted (MB), refused with 413 before anything reads it
# (lib/request_body.py); the proxy in front must cap at the same size. Sized for the largest
# legitimate form, the directory's Sirene import (50 MB, staff), which is above the intake
# form's INTAKE_MAX_FILES documents of INTAKE_MAX_FILE_MB; one more MB for the other fields.
MAX_REQUEST_BODY_MB = envint("MAX_REQUEST_BODY_MB", max(50, INTAKE_MAX_FILES * INTAKE_MAX_FILE_MB) + 1)

# Newsletter: validity of the confirmation link; RGPD deletion of unconfirmed subscriptions;
# sending in batches (a batch is one task; the next one is queued while recipients remain);
# a claimed row older than the timeout belongs to a dead worker and becomes « incertain ».
NEWSLETTER_CONFIRM_DAYS = envint("NEWSLETTER_CONFIRM_DAYS", 7)
NEWSLETTER_PENDING_DAYS = envint("NEWSLETTER_PENDING_DAYS", 30)
NEWSLETTER_BATCH_SIZE = envint("NEWSLETTER_BATCH_SIZE", 100)
NEWSLETTER_MAX_ATTEMPTS = envint("NEWSLETTER_MAX_ATTEMPTS", 3)
NEWSLETTER_RETRY_MINUTES = envint("NEWSLETTER_RETRY_MINUTES", 10)
NEWSLETTER_CLAIM_TIMEOUT_SECONDS = envint("NEWSLETTER_CLAIM_TIMEOUT_SECONDS", 600)
NEWSLETTER_SUBSCRIPTIONS_PER_HOUR = envint("NEWSLETTER_SUBSCRIPTIONS_PER_HOUR", 10)

# Alerts (financial tools, job offers): validity of the confirmation link, after which
# an unconfirmed alert is deleted (RGPD); how long the unsubscribe link of each email works;
# subscriptions per hour from one address; how far back a digest looks before its watermark
# (a tool published in a transaction that committed late is still caught, never sent twice);
# at most this many tools in one digest.
ALERT_CONFIRM_DAYS = envint("ALERT_CONFIRM_DAYS", 7)
ALERT_UNSUBSCRIBE_LINK_DAYS = envint("ALERT_UNSUBSCRIBE_LINK_DAYS", 400)
ALERT_SUBSCRIPTIONS_PER_HOUR = envint("ALERT_SUBSCRIPTIONS_PER_HOUR", 10)
ALERT_DIGEST_OVERLAP_MINUTES = envint("ALERT_DIGEST_OVERLAP_MINUTES", 60)
ALERT_DIGEST_MAX_TOOLS = envint("ALERT_DIGEST_MAX_TOOLS", 20)
# Emplois, job alerts (the ALERT_* settings above apply to them too): alerts matched against
# the new offers per batch (one query per batch, never per alert); at most this many offers
# in one digest (the rest through the link to the search).
JOB_ALERT_BATCH_SIZE = envint("JOB_ALERT_BATCH_SIZE", 1000)
JOB_ALERT_DIGEST_MAX_OFFERS = envint("JOB_ALERT_DIGEST_MAX_OFFERS", 20)

# Observatoire: panorama requests per hour from one address; how long the emailed link to
# a panorama works; RGPD: days a request (its email address) is kept.
PANORAMA_REQUESTS_PER_HOUR = envint("PANORAMA_REQUESTS_PER_HOUR", 5)
# The progress page polls every 2 s while a panorama is built (seconds); past this many
# polls an hour from one connection it stops polling and the email brings the link.
PANORAMA_POLLS_PER_HOUR = envint("PANORAMA_POLLS_PER_HOUR", 600)
PANORAMA_LINK_DAYS = envint("PANORAMA_LINK_DAYS", 30)
PANORAMA_REQUEST_RETENTION_DAYS = envint("PANORAMA_REQUEST_RETENTION_DAYS", 7)
# Observatoire: days an uploaded establishment file may wait unlaunched before it is deleted.
IMPORT_FILE_RETENTION_DAYS = envint("IMPORT_FILE_RETENTION_DAYS", 7)
# Observatoire, statistical secrecy: the hidden complements of a secret cell hold at least
# this share (%) of its establishments and employees in every total (observatoire/secrecy.py).
OBSERVATOIRE_SECRECY_PROTECTION_PERCENT = envint("OBSERVATOIRE_SECRECY_PROTECTION_PERCENT", 15)

# Formation: registrations (and group registrations) per hour from one address; how many
# days after its session a person's private link to their registration works (the
# certificate is downloaded from it).
FORMATION_REGISTRATIONS_PER_HOUR = envint("FORMATION_REGISTRATIONS_PER_HOUR", 10)
FORMATION_LINK_DAYS_AFTER = envint("FORMATION_LINK_DAYS_AFTER", 365)
# RGPD: months after its session before a registration is anonymised (the form's consent says three years).
FORMATION_REGISTRATION_ANONYMISE_MONTHS = envint("FORMATION_REGISTRATION_ANONYMISE_MONTHS", 36)
# RGPD: months after its handling before the name of a complaint's author is blanked (the complaint
# and its answer stay for the quality audits).
FORMATION_COMPLAINT_ANONYMISE_MONTHS = envint("FORMATION_COMPLAINT_ANONYMISE_MONTHS", 36)

# Formation (documents): how long the emailed link to a certificate works; the training
# organisation's declaration number (numéro de déclaration d'activité), printed on the
# certificates and attendance sheets when set.
FORMATION_CERTIFICATE_LINK_DAYS = envint("FORMATION_CERTIFICATE_LINK_DAYS", 365)
FORMATION_DECLARATION_NUMBER = envstr("FORMATION_DECLARATION_NUMBER", "")

# Formation, the emails sent around a session (formation/schedule.py): the convocation this
# many days before it starts (the reminder goes the day before); the « à froid » survey this
# many days after it ends, and its one reminder that many days after the survey; how long a
# survey link works; how many days late an hourly sweep still sends a survey it missed (each
# email is sent once because its outbox row exists: keep this below OUTBOX_RETENTION_DAYS).
FORMATION_CONVOCATION_DAYS = envint("FORMATION_CONVOCATION_DAYS", 7)
FORMATION_COLD_SURVEY_DAYS = envint("FORMATION_COLD_SURVEY_DAYS", 60)
FORMATION_COLD_SURVEY_REMINDER_DAYS = envint("FORMATION_COLD_SURVEY_REMINDER_DAYS", 14)
FORMATION_SURVEY_LINK_DAYS = envint("FORMATION_SURVEY_LINK_DAYS", 30)
FORMATION_SURVEY_CATCH_UP_DAYS = envint("FORMATION_SURVEY_CATCH_UP_DAYS", 30)

# Partenariats, the reminders (partenariats/reminders.py): days before a convention's end its
# owner is reminded (each reminder once; the gaps between them, and the last one, stay below
# OUTBOX_RETENTION_DAYS: a system check says so); how many days ahead the Monday digest of
# commitments looks; days before a committee the owner of its convention is reminded.
PARTENARIATS_CONVENTION_REMINDER_DAYS = envintlist("PARTENARIATS_CONVENTION_REMINDER_DAYS", [90, 30])
PARTENARIATS_DIGEST_DUE_SOON_DAYS = envint("PARTENARIATS_DIGEST_DUE_SOON_DAYS", 14)
PARTENARIATS_COMMITTEE_REMINDER_DAYS = envint("PARTENARIATS_COMMITTEE_REMINDER_DAYS", 10)

# Partenariats, committees: how long the emailed link to a committee's minutes (PDF) works.
PARTENARIATS_MINUTES_LINK_DAYS = envint("PARTENARIATS_MINUTES_LINK_DAYS", 90)

# Expérimentations, responsible purchasing (experimentations/batches.py): a validated need is
# sent to its suppliers in batches of EXPERIMENTATIONS_BATCH_SIZE, on the weekdays (0 = Monday)
# and between the hours (Réunion time, end excluded) below, each batch at least
# EXPERIMENTATIONS_BATCH_DELAY_HOURS after the previous one; suppliers who have not answered
# are reminded once EXPERIMENTATIONS_SUPPLIER_REMINDER_DAYS after their email (never after the
# deadline); a supplier's private link works until EXPERIMENTATIONS_SUPPLIER_LINK_DAYS_AFTER
# days after the need's deadline; the matching keeps EXPERIMENTATIONS_MATCH_LIMIT suppliers.
EXPERIMENTATIONS_BATCH_SIZE = envint("EXPERIMENTATIONS_BATCH_SIZE", 5)
EXPERIMENTATIONS_BATCH_DELAY_HOURS = envint("EXPERIMENTATIONS_BATCH_DELAY_HOURS", 24)
EXPERIMENTATIONS_SENDING_WEEKDAYS = envintlist("EXPERIMENTATIONS_SENDING_WEEKDAYS", [0, 1, 2, 3, 4])
EXPERIMENTATIONS_SENDING_START_HOUR = envint("EXPERIMENTATIONS_SENDING_START_HOUR", 8)
EXPERIMENTATIONS_SENDING_END_HOUR = envint("EXPERIMENTATIONS_SENDING_END_HOUR", 17)
EXPERIMENTATIONS_SUPPLIER_REMINDER_DAYS = envint("EXPERIMENTATIONS_SUPPLIER_REMINDER_DAYS", 5)
EXPERIMENTATIONS_SUPPLIER_LINK_DAYS_AFTER = envint("EXPERIMENTATIONS_SUPPLIER_LINK_DAYS_AFTER", 30)
EXPERIMENTATIONS_MATCH_LIMIT = envint("EXPERIMENTATIONS_MATCH_LIMIT", 50)

# --- Legal pages -----------------------------------------------------------------------
CONTACT_EMAIL = envstr("CONTACT_EMAIL", "contact@ess-reunion.re")
DPO_EMAIL = envstr("DPO_EMAIL", CONTACT_EMAIL)
# RGPD and FSE (lib/personal_data.py): records of operations co-financed by the European Social
# Fund are kept FSE_RETENTION_YEARS from 31 December of the year of the managing authority's last
# payment (regulation (EU) 2021/1060, art. 82), even at the person's request. Empty date: not paid yet.
FSE_RETENTION_YEARS = envint("FSE_RETENTION_YEARS", 5)
FSE_LAST_PAYMENT_DATE = envdate("FSE_LAST_PAYMENT_DATE")
# Where to report a vulnerability: /.well-known/security.txt and the /securite/ page.
SECURITY_CONTACT = envstr("SECURITY_CONTACT", CONTACT_EMAIL)
HOSTING_PROVIDER = envstr("HOSTING_PROVIDER", "")
# The CRESS's postal address, on the accessibility statement's contact route (empty: not shown).
CONTACT_POSTAL_ADDRESS = envstr("CONTACT_POSTAL_ADDRESS", "")

# Logs (cress/logs.py): one JSON object per line in production (time, level, logger, message,
# request id, and for requests: method, URL pattern, status, duration, hashed user), or the
# plain format with the request id; the web's and the worker's lines alike.
LOG_FORMAT = envstr("LOG_FORMAT", "json" if PRODUCTION else "plain")
if LOG_FORMAT not in {"json", "plain"}:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r}: expected json or plain.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "cress.logs.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "cress.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]},
    },
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

SENTRY_DSN = envstr("SENTRY_DSN")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(dsn=SENTRY_DSN, environment=DJANGO_ENV, send_default_pii=False, traces_sample_rate=0.0)

# Emplois, skills record (issue 19, point 7): a record's private link lasts this long, and a
# record without activity for this long is deleted by the beat's purge.
SKILLS_RECORD_DAYS = envint("SKILLS_RECORD_DAYS", 365)
SKILLS_RECORDS_PER_HOUR = envint("SKILLS_RECORDS_PER_HOUR", 5)

# Appartenance, membership badge (issue 20, point 5): how long browsers and other sites' caches
# keep a badge (a revocation shows within this time), and the font of its PNG version.
BADGE_MAX_AGE = envint("BADGE_MAX_AGE", 3600)
BADGE_FONT = envstr("BADGE_FONT", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
# The good-practices report (issue 20, point 4): its page polls every 2 s while the PDF is built;
# past this many polls an hour from one member it stops polling (the email brings the link).
GUIDE_REPORT_POLLS_PER_HOUR = envint("GUIDE_REPORT_POLLS_PER_HOUR", 600)
# The Prix de l'ESS (issue 20, point 7): a juror's appointment, declared conflicts, scores and
# comments are the record of the Prix's fairness; they are kept this many years after the
# campaign's results (the civil limitation period, Code civil art. 2224), even at the juror's
# request, then deleted by the beat's purge (appartenance/personal_data.py).
PRIX_JURY_RETENTION_YEARS = envint("PRIX_JURY_RETENTION_YEARS", 5)
