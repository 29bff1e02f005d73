"""Settings for Exchange, read from the environment (see README "Configuration" and .env.example)."""

import datetime as dt
import re
import zoneinfo
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from exchange.env import env_bool, env_int, env_list, env_str
from exchange.languages import complete_languages

BASE_DIR = Path(__file__).resolve().parent.parent
# Local state of the embedded defaults: the SQLite file, the filesystem broker's queue, mail written to files.
VAR_DIR = Path(env_str("EXCHANGE_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-for-debug"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "csp",
    "axes",
    "crispy_forms",
    "crispy_bootstrap5",
    # Countries as ISO 3166-1 codes (names translated by its own catalogue) and phone numbers in E.164.
    "django_countries",
    "phonenumber_field",
    "councils",
    "programs",
    "directory",
    "meetings",
    "logistics",
    "hospitality",
    "notifications",
    "visitors",
    "lifecycle",
    "audit",
    "webhooks",
    "journeys",
    "agency_exchange",
    "api",
    "demo",
    # The API (Django REST framework), its OpenAPI description and the documentation's files, served by the app.
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Staff pages in English unless every catalogue of the language asked for is complete (STAFF_LANGUAGES).
    "exchange.languages.StaffLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into a clear refusal.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "exchange.urls"
WSGI_APPLICATION = "exchange.wsgi.application"

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
                "councils.context_processors.current_council",
            ],
        },
    },
]

# A SQLite file by default so that the app runs with nothing installed; PostgreSQL when DATABASE_URL says so.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'exchange.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for the lock instead of failing when the worker and the web process write at once.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache holds content only: pages and conflict judgements built after the request decided who is asking, kept
# under the council's data version. Redis when CACHE_URL says so (every web process then shares it), with short
# timeouts and a circuit breaker (``exchange.redis_cache``); otherwise each process keeps its own in memory.
CACHE_URL = env_str("CACHE_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "exchange.redis_cache.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "default",
            "OPTIONS": {"MAX_ENTRIES": 1000},
        }
    ),
}
# Sessions live in the database, where a cache outage cannot undo a sign-out: every request reads its session and
# who is asking from there.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# How long a costly page (dashboard, calendar data, a visitor's Today page and feed) is kept under the council's
# data version (``councils.changes``); 0 turns that cache off.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 600)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # First: refuses sign-in attempts from a locked-out account or address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    # Django's model backend, reading the staff member's council in the same query as the user.
    "councils.backends.StaffBackend",
    # Home-hospitality volunteers sign in from an emailed link (django-sesame); they have no usable password.
    "sesame.backends.ModelBackend",
]
# A volunteer's sign-in link works for 14 days; staff revoke every link of a volunteer by rotating the
# (unusable) password, which the token is bound to.
SESAME_MAX_AGE = dt.timedelta(days=14)
SESAME_INVALIDATE_ON_PASSWORD_CHANGE = True
# Sign-in lockout: after AXES_FAILURE_LIMIT failures an account, and separately an address, waits for the cool-off.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
# Per account and per address; a sign-in from a volunteer's link names no account and is counted per address only.
# Every failure names an account ("" for none) and an address, so that axes' unique constraint holds and concurrent
# failures are all counted, never duplicated (see ``exchange.lockout``).
AXES_LOCKOUT_PARAMETERS = "exchange.lockout.lockout_parameters"
AXES_USERNAME_CALLABLE = "exchange.lockout.attempt_username"
AXES_CLIENT_IP_CALLABLE = "exchange.lockout.attempt_address"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Reverse proxies in front of Django that append to X-Forwarded-For (TRUSTED_PROXY_COUNT; one if only
# BEHIND_TLS_PROXY is set; none by default, the client then being REMOTE_ADDR). The lockout and the audit log read
# the client's address the same way from it (``exchange.lockout.client_address``, through django-ipware).
AXES_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1 if env_bool("BEHIND_TLS_PROXY", False) else 0)
if AXES_TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured(f"TRUSTED_PROXY_COUNT must be 0 or more, not {AXES_TRUSTED_PROXY_COUNT}")
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "programs:home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("es", _("Spanish")),
    ("pt", _("Portuguese")),
    ("fr", _("French")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The languages staff pages may speak besides English: those every catalogue of the project translates in full,
# read from the .po files at start-up (``exchange.languages``). Visitor, volunteer and host pages and every message
# speak all of LANGUAGES.
STAFF_LANGUAGES = complete_languages(BASE_DIR, [code for code, _name in LANGUAGES if code != LANGUAGE_CODE])
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"
# The zone staff pages fall back to when no stop gives one (the council's own city).
DEFAULT_LOCAL_TIME_ZONE = env_str("DEFAULT_LOCAL_TIME_ZONE", "America/Chicago")
if DEFAULT_LOCAL_TIME_ZONE not in zoneinfo.available_timezones():
    raise ImproperlyConfigured(f"DEFAULT_LOCAL_TIME_ZONE {DEFAULT_LOCAL_TIME_ZONE!r} is not an IANA time zone.")
# Phone numbers are stored in E.164 and shown in the international format (``exchange.phones``); one typed without
# "+" is read in the council's country (no site-wide default region).
PHONENUMBER_DB_FORMAT = "E164"
PHONENUMBER_DEFAULT_FORMAT = "INTERNATIONAL"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = VAR_DIR / "media"
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = VAR_DIR / "sent-mail"
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Exchange <exchange@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: an embedded filesystem broker by default (no server to install); Redis when CELERY_BROKER_URL says so.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
if CELERY_BROKER_URL == "filesystem://":
    _queue_dir = VAR_DIR / "broker"
    (_queue_dir / "processed").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(_queue_dir / "processed"),
        "store_processed": False,
    }
else:
    # Fail fast when the broker is down: the outbox keeps the message and beat picks it up later. The socket
    # timeouts bound a publish to a Redis that accepts connections but does not answer (without them a web request
    # would hang); 3 s stays above the worker's 1 s BRPOP poll.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "max_retries": 1,
        "interval_start": 0,
        "interval_step": 0.2,
        "socket_connect_timeout": 2,
        "socket_timeout": 3,
    }
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "exchange")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    # Sends every queued notification whose time has come, in bounded batches (a full batch starts the next one at
    # once). Priority 3 (on Redis, 0 is served first): a message a change queued goes before a bulk sweep.
    "send-due-notifications": {"task": "notifications.send_due", "schedule": 30.0, "options": {"priority": 3}},
    # Gives back rows whose worker died (its lease ran out) and sweeps them at once.
    "release-stale-claims": {"task": "notifications.release_stale_claims", "schedule": 15.0},
    # Weekly itinerary updates to program officers; hourly, each program at most once per ISO week (dedupe key).
    "send-weekly-sponsor-updates": {"task": "lifecycle.send_weekly_sponsor_updates", "schedule": 3600.0},
    # Each journey segment's itinerary to its agency; hourly, each segment at most once per ISO week (dedupe key).
    "send-weekly-agency-versions": {"task": "agency_exchange.send_weekly_versions", "schedule": 3600.0},
    # Queues tomorrow's schedule for each visitor once the council's send time has come in the stop's zone.
    "queue-daily-schedules": {"task": "notifications.queue_daily_schedules", "schedule": 300.0},
    # Queues host and volunteer reminders inside their lead time, and staff reminders about unanswered requests.
    "queue-reminders": {"task": "notifications.queue_reminders", "schedule": 300.0},
    # Queues each open program's staff digest once a day after the council's daily schedule time (rendered when
    # sent, after quiet hours).
    "queue-staff-digests": {"task": "notifications.queue_staff_digests", "schedule": 300.0},
    # Turns item edits whose merge window has passed into one change notice per person (or nothing if undone).
    "flush-change-notices": {"task": "notifications.flush_change_notices", "schedule": 60.0},
    # Marks hospitality invitations expired once their answer deadline has passed.
    "expire-hospitality-invitations": {"task": "hospitality.expire_invitations", "schedule": 600.0},
    # Reminds host contacts once, a day before a meeting request's deadline; marks unanswered requests expired.
    "meeting-request-deadlines": {"task": "meetings.meeting_request_deadlines", "schedule": 900.0},
}

# Notifications
NOTIFICATION_MAX_ATTEMPTS = env_int("NOTIFICATION_MAX_ATTEMPTS", 5)
NOTIFICATION_BATCH_SIZE = env_int("NOTIFICATION_BATCH_SIZE", 200)
# A worker holds the rows it sends for this long and renews the hold every third of it while it lives; a row whose
# lease ran out (its worker died) is given back to the queue by the next release, every 15 seconds.
NOTIFICATION_LEASE_SECONDS = env_int("NOTIFICATION_LEASE_SECONDS", 30)
if NOTIFICATION_LEASE_SECONDS < 1:
    raise ImproperlyConfigured("NOTIFICATION_LEASE_SECONDS must be at least 1")
# A failed send is tried again after this many seconds, doubling with each attempt (at most an hour).
NOTIFICATION_RETRY_SECONDS = env_int("NOTIFICATION_RETRY_SECONDS", 60)
# Edits of a confirmed item within this window are merged into one change notice.
NOTIFICATION_CHANGE_WINDOW_MINUTES = env_int("NOTIFICATION_CHANGE_WINDOW_MINUTES", 10)

# Webhooks: a receiver that has not answered within this many seconds counts as a failed attempt (retried later).
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 5)
if not 1 <= WEBHOOK_TIMEOUT_SECONDS <= 30:
    raise ImproperlyConfigured("WEBHOOK_TIMEOUT_SECONDS must be between 1 and 30")
# Endpoints on loopback or private addresses are refused, so that a webhook cannot reach the services beside the app;
# turn this on where councils' receivers live in the same private network.
WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env_bool("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", False)

# The API (``/api/v1/``): council tokens only (never the session's cookie), read from the database on every request;
# JSON only; every list in pages. Each token may send API_RATE_LIMIT requests ("<number>/<second|minute|hour|day>"),
# then gets 429 with Retry-After.
API_RATE_LIMIT = env_str("API_RATE_LIMIT", "600/minute")
if not re.fullmatch(r"[1-9][0-9]*/(s|sec|second|m|min|minute|h|hour|d|day)", API_RATE_LIMIT):
    raise ImproperlyConfigured(f"API_RATE_LIMIT must read like 600/minute, not {API_RATE_LIMIT!r}")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.TokenScope"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttles.TokenRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pages",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Exchange API",
    "DESCRIPTION": "A council's programs, itineraries, hosts, volunteers and messages. Send a council's token as "
    "`Authorization: Bearer <token>`. Times are ISO 8601 instants; each item, slot and stop names the IANA time "
    "zone it is read in.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Separate shapes for what is sent and what is answered (write-only and read-only fields).
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Fields of the same name with different choices (an item's and a program's status) get names of their own.
    "ENUM_NAME_OVERRIDES": {
        "ItemStatus": "meetings.enums.ItemStatus",
        "ItemKind": "meetings.enums.ItemKind",
        "ProgramStatus": "programs.enums.ProgramStatus",
        "InvitationStatus": "hospitality.enums.InvitationStatus",
        "NotificationKind": "notifications.enums.NotificationKind",
        "NotificationState": "notifications.enums.NotificationState",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.document_refusals",
    ],
}

# Security
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# Load balancers and container health checks probe over plain HTTP from inside.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", False) else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content security policy: scripts only from our own static files (no inline script anywhere). Styles allow
# inline because the calendar component injects its stylesheet at run time.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'"],
        "frame-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # django-axes logs every successful sign-in at INFO; failures and lockouts are warnings.
    "loggers": {"axes": {"level": "WARNING"}},
}
