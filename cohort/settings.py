"""Settings for the cohort portal, driven by environment variables.

With no environment at all the portal runs on its embedded default: SQLite, Celery tasks run
in-process, an in-memory cache, e-mail to the console, and Slack and Google Calendar writing to
the log. Production differs only by environment variables (see `.env.example`).
"""

from pathlib import Path

import environ
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent

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
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
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
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "cohort.middleware.ViewerTimezoneMiddleware",
    "csp.middleware.CSPMiddleware",
    "cohort.middleware.PrivatePagesMiddleware",
]

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
        },
    },
]

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

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = env.bool("CELERY_TASK_EAGER_PROPAGATES", default=DEBUG)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE: dict = {}

# --- Slack: bot token, signing secret, delivery tuning (log-only when no token) ---------------
SLACK_BOT_TOKEN = env("SLACK_BOT_TOKEN", default="")
SLACK_SIGNING_SECRET = env("SLACK_SIGNING_SECRET", default="")
SLACK_API_BASE_URL = env("SLACK_API_BASE_URL", default="https://slack.com/api/")
SLACK_TIMEOUT_SECONDS = env.float("SLACK_TIMEOUT_SECONDS", default=10)
SLACK_MAX_ATTEMPTS = env.int("SLACK_MAX_ATTEMPTS", default=10)
SLACK_RETRY_BASE_SECONDS = env.float("SLACK_RETRY_BASE_SECONDS", default=5)
SLACK_RETRY_MAX_SECONDS = env.float("SLACK_RETRY_MAX_SECONDS", default=600)
SLACK_SECONDS_PER_CHANNEL = env.float("SLACK_SECONDS_PER_CHANNEL", default=1)
SLACK_SWEEP_SECONDS = env.float("SLACK_SWEEP_SECONDS", default=30)
SLACK_SWEEP_GRACE_SECONDS = env.float("SLACK_SWEEP_GRACE_SECONDS", default=60)
# A row left in "sending" longer than this was interrupted (worker killed mid-call): it is
# looked for in the channel before it is posted again. Must exceed the client timeout.
SLACK_STALE_SENDING_SECONDS = env.float("SLACK_STALE_SENDING_SECONDS", default=180)
SLACK_REMINDER_SECONDS = env.float("SLACK_REMINDER_SECONDS", default=600)
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
    }
)
# --- Events: Google Calendar sync (on when a service account is set; logs otherwise) ----------
GOOGLE_SERVICE_ACCOUNT_FILE = env("GOOGLE_SERVICE_ACCOUNT_FILE", default="")
GOOGLE_SERVICE_ACCOUNT_JSON = env("GOOGLE_SERVICE_ACCOUNT_JSON", default="")
GOOGLE_CALENDAR_DELEGATED_USER = env("GOOGLE_CALENDAR_DELEGATED_USER", default="")
GOOGLE_CALENDAR_API_ENDPOINT = env(
    "GOOGLE_CALENDAR_API_ENDPOINT", default="https://www.googleapis.com/calendar/v3/"
)
GOOGLE_TOKEN_URI = env("GOOGLE_TOKEN_URI", default="https://oauth2.googleapis.com/token")
GOOGLE_CALENDAR_TIMEOUT = env.float("GOOGLE_CALENDAR_TIMEOUT", default=20.0)
GOOGLE_CALENDAR_MAX_RETRIES = env.int("GOOGLE_CALENDAR_MAX_RETRIES", default=8)
GOOGLE_CALENDAR_RETRY_BASE = env.float("GOOGLE_CALENDAR_RETRY_BASE", default=5.0)
GOOGLE_CALENDAR_RETRY_MAX = env.float("GOOGLE_CALENDAR_RETRY_MAX", default=600.0)
# Reconciliation re-syncs events still waiting this long after a change (their task was lost).
GOOGLE_CALENDAR_RECONCILE_GRACE = env.float("GOOGLE_CALENDAR_RECONCILE_GRACE", default=600.0)
CELERY_BEAT_SCHEDULE["events-reconcile-google-calendars"] = {
    "task": "events.tasks.task_reconcile_calendars",
    "schedule": env.float("GOOGLE_CALENDAR_RECONCILE_SECONDS", default=900.0),
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
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# --- Logging: integrations that are not configured write what they would send here ----------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
