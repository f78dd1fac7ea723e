"""Settings for the cohort portal, driven by environment variables.

With no environment at all the portal runs on its embedded default: SQLite, Celery tasks run
in-process, an in-memory cache, e-mail to the console, and Slack and Google Calendar writing to
the log. Production differs only by environment variables (see `.env.example`).
"""

from pathlib import Path

import environ
from csp.constants import NONE, SELF

from cohort import production

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=True)

# A fixed key is only acceptable for the local embedded default; production must set SECRET_KEY.
if DEBUG:
    SECRET_KEY = env("SECRET_KEY", default="local-development-only-key-not-for-production-use-0123")
else:
    SECRET_KEY = env("SECRET_KEY")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
SITE_NAME = env("SITE_NAME", default="Cohort portal")

INSTALLED_APPS = [
    "cohort",
    "cohort.admin_apps.PortalAdminConfig",  # django.contrib.admin, with cohort/admin_site.py
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "participants",
    "sprints",
    "events",
    "compute",
]

GOOGLE_CLIENT_ID = env("GOOGLE_CLIENT_ID", default="")
GOOGLE_CLIENT_SECRET = env("GOOGLE_CLIENT_SECRET", default="")
GOOGLE_LOGIN_ENABLED = bool(GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET)
if GOOGLE_LOGIN_ENABLED:
    INSTALLED_APPS.append("allauth.socialaccount.providers.google")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Compresses HTML, JSON and other text for clients that accept gzip (whitenoise serves
    # static files precompressed, in brotli and gzip, before this). Above every middleware that
    # reads or writes the body. BREACH: Django masks the CSRF token differently on every
    # response, and Django's gzip pads each header by a random length ("Heal the Breach").
    "cohort.middleware.TextGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, with the visitor's user row kept between requests (cohort/visitors.py).
    "cohort.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "cohort.middleware.ViewerTimezoneMiddleware",
    "csp.middleware.CSPMiddleware",
    "cohort.middleware.PrivatePagesMiddleware",
]

# `make bench` only: the hello view and a query count on each response (cohort/bench.py).
BENCH_ENDPOINTS = env.bool("BENCH_ENDPOINTS", default=False)
if BENCH_ENDPOINTS:
    MIDDLEWARE.insert(0, "cohort.bench.QueryCountMiddleware")

ROOT_URLCONF = "cohort.urls"
WSGI_APPLICATION = "cohort.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # {% once_token %} and the other portal tags in every template.
            "builtins": ["cohort.templatetags.portal"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cohort.context_processors.portal",
            ],
            "libraries": {"slack": "cohort.notifications.templatetags.slack"},
        },
    },
]

# Forms render through the project's templates, so templates/django/forms/p.html gives every
# form its labels without a colon, help text after the label and errors beside the field.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- Database -------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent requests on the embedded default wait for the lock instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: Celery broker and cache ------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="portal"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Sessions are read from the cache (one Redis GET instead of a query on every page) and written
# to both, so a flushed or restarted Redis only costs a database read: nobody is logged out.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = env.bool("CELERY_TASK_EAGER_PROPAGATES", default=DEBUG)
CELERY_TASK_IGNORE_RESULT = True
# A task is acknowledged only after its work; a worker that dies mid-task leaves the message to
# be delivered again. The work itself is found again sooner by the sweepers (Slack outbox,
# calendar), which run every few seconds: see SLACK_SWEEP_SECONDS and GOOGLE_CALENDAR_SWEEP_*.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# The broker survives outages and restarts: retry connecting at start and after a loss,
# forever (a worker that gives up needs something outside the portal to bring it back).
# celery 5.7.0 exits on a lost Redis connection while it holds unacknowledged messages
# (AttributeError 'NoneType' object has no attribute 'hostname' from kombu's restore on close),
# and with kombu 5.6 a worker could reconnect and then stop consuming: celery 5.6.3, kombu 5.7.0
# and redis 6.4.0 are pinned in pyproject.toml, a combination that reconnects and goes on.
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_BROKER_CONNECTION_TIMEOUT = 5
# Tasks already running when the connection drops finish their work; the redelivered copy then
# finds it done (every task is safe to run twice).
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
# Redis keeps an unacknowledged message invisible for this long before handing it out again.
# It must exceed the longest countdown a task is given (retries are capped below it), else a
# waiting retry would be handed out twice; lost work is recovered sooner by the sweepers.
CELERY_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=900)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    "socket_timeout": 10,
    "socket_connect_timeout": 5,
    "socket_keepalive": True,
    "health_check_interval": 10,
    "retry_on_timeout": True,
}
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE: dict = {}

# --- Integrations: Slack and Google Calendar (cohort/settings/integrations.py) ---------------
from cohort.settings.integrations import *

# Beat: the task names are kept across moves of their code, so queued and scheduled work
# still finds its task after a deploy.
CELERY_BEAT_SCHEDULE.update(
    {
        "slack-sweep-outbox": {
            "task": "cohort.tasks.task_sweep_slack_outbox",
            "schedule": SLACK_SWEEP_SECONDS,
        },
        "slack-send-reminders": {
            "task": "cohort.tasks.task_send_reminders",
            "schedule": SLACK_REMINDER_SECONDS,
        },
        "events-reconcile-google-calendars": {
            "task": "events.tasks.task_reconcile_calendars",
            "schedule": GOOGLE_CALENDAR_RECONCILE_SECONDS,
        },
        "events-sweep-calendar-syncs": {
            "task": "events.tasks.task_sweep_calendar_syncs",
            "schedule": GOOGLE_CALENDAR_SWEEP_SECONDS,
        },
    }
)
# The Slack tasks live in cohort/notifications/, which is not an app of its own.
CELERY_IMPORTS = ["cohort.notifications.tasks"]

# --- Personal data with an end (issue 16): beat deletes closed cohorts' data on their dates ---
CELERY_BEAT_SCHEDULE["cohort-apply-retention"] = {
    "task": "cohort.tasks.task_apply_retention",
    "schedule": env.float("RETENTION_SECONDS", default=3600.0),
}

# --- Accounts: django-allauth, invitation only -------------------------------------------------
AUTH_USER_MODEL = "cohort.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "cohort:landing"
ACCOUNT_ADAPTER = "cohort.adapters.InvitationOnlyAccountAdapter"
SOCIALACCOUNT_ADAPTER = "cohort.adapters.InvitationOnlySocialAccountAdapter"
ACCOUNT_FORMS = {"signup": "cohort.forms.InvitedSignupForm"}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
# allauth's defaults, written out so they are easy to find: failed logins are limited per
# address and per IP, for the admin too because its login goes through allauth.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
}
# Behind a TLS proxy every client arrives from the proxy's address: trust the client address the
# proxies add (X-Forwarded-For by default), or the per-IP login limits would lock everyone out.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env("ALLAUTH_TRUSTED_CLIENT_IP_HEADER", default="") or None
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_PROVIDERS = {}
if GOOGLE_LOGIN_ENABLED:
    SOCIALACCOUNT_PROVIDERS["google"] = {
        "APPS": [{"client_id": GOOGLE_CLIENT_ID, "secret": GOOGLE_CLIENT_SECRET, "key": ""}],
        "SCOPE": ["profile", "email"],
        "VERIFIED_EMAIL": True,
    }

# --- E-mail -------------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Cohort portal <portal@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security -----------------------------------------------------------------------------------
# Off by default only for the local embedded default; DJANGO_HTTPS=false allows a plain-HTTP
# production-like run on a laptop.
HTTPS = env.bool("DJANGO_HTTPS", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=HTTPS)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=HTTPS)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# No inline script or style anywhere: everything comes from static/ (django-csp).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)

# --- Internationalisation and time ------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Receipts and other files only their owners may open live outside MEDIA_ROOT.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "private")
# Behind nginx (docker-compose.yml): the prefix of its `internal` location over MEDIA_ROOT. The
# portal checks who may see a photo and answers with X-Accel-Redirect; nginx sends the bytes.
# Empty (`make run`, or photos in a bucket): the portal sends the file itself.
PHOTO_ACCEL_REDIRECT = env("PHOTO_ACCEL_REDIRECT", default="")
# --- File storage (issue 16): folders on this machine, or an S3-compatible bucket -------------
# With AWS_STORAGE_BUCKET_NAME, photos ("default") and receipts and backups ("private") go to
# the bucket, so every web replica and worker sees the same files; see README "Production".
STORAGES = production.file_storages(
    bucket=env("AWS_STORAGE_BUCKET_NAME", default=""),
    endpoint_url=env("AWS_S3_ENDPOINT_URL", default=""),
    access_key=env("AWS_ACCESS_KEY_ID", default=""),
    secret_key=env("AWS_SECRET_ACCESS_KEY", default=""),
    region=env("AWS_S3_REGION_NAME", default=""),
    addressing_style=env("AWS_S3_ADDRESSING_STYLE", default=""),
    signed_url_seconds=env.int("AWS_QUERYSTRING_EXPIRE", default=300),
)
STORAGES["staticfiles"] = {
    "BACKEND": (
        "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )
}
# Where `manage.py backup` writes its folders (issue 16); `--to-storage` puts them in the bucket.
BACKUP_ROOT = env.path("BACKUP_ROOT", default=BASE_DIR / "backups")
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# --- Logging (issue 16): integrations that are not configured write what they would send here;
# LOG_FORMAT=json writes one JSON object per line for a log collector.
LOGGING = production.logging_config(
    log_format=env("LOG_FORMAT", default="plain"), level=env("LOG_LEVEL", default="INFO")
)

# --- Error reporting (issue 16): Sentry for web, worker and beat when SENTRY_DSN is set -------
SENTRY_DSN = env("SENTRY_DSN", default="")
SENTRY_ENABLED = production.init_sentry(
    dsn=SENTRY_DSN,
    environment=env("SENTRY_ENVIRONMENT", default=""),
    release=env("SENTRY_RELEASE", default=""),
    traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
)
