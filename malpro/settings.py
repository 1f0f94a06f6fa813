"""Malpro settings. Everything that differs between machines comes from environment variables
(see .env.example); with none set, Malpro runs locally on the embedded SQLite database."""

from __future__ import annotations

import os
import re
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from malpro import env

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env.get_str("MALPRO_VAR_DIR") or BASE_DIR / "var")

# --- mode -------------------------------------------------------------------------------------
# local: a developer's machine (the default). production: a real deployment. Production mode is
# also implied by DEBUG=0, so that turning debug off can never run with the development key.
MALPRO_ENV = env.get_choice("MALPRO_ENV", ("local", "production"), "local")
DEBUG = env.get_bool("DEBUG", MALPRO_ENV == "local")
PRODUCTION = MALPRO_ENV == "production" or not DEBUG

DEV_SECRET_KEY = "malpro-local-development-key-never-use-in-production"
SECRET_KEY = env.get_str("SECRET_KEY") or DEV_SECRET_KEY
if PRODUCTION:
    if SECRET_KEY == DEV_SECRET_KEY:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set in production (DEBUG=0 or MALPRO_ENV=production)."
        )
    if len(SECRET_KEY) < 40 or len(set(SECRET_KEY)) < 10:
        raise ImproperlyConfigured("SECRET_KEY is too short or too simple for production.")
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off when MALPRO_ENV=production.")

ALLOWED_HOSTS = env.get_list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the site's host names in production.")
CSRF_TRUSTED_ORIGINS = env.get_list("CSRF_TRUSTED_ORIGINS", [])

# Encryption at rest of NIK, NIP, birth dates, bank accounts and private files (core/crypto.py),
# with keys of their own, never derived from SECRET_KEY. MALPRO_DATA_KEYS: Fernet keys, comma
# separated, the first encrypts and all decrypt (rotation: docs/deployment.md). MALPRO_LOOKUP_KEY:
# the HMAC key of the keyed hashes that lookups and uniqueness use (changing it needs a rehash).
DEV_DATA_KEY = "FNMKo3giuGQ36TKYa_5CAzscYohgFH3fVLJ63FSMDpI="
DEV_LOOKUP_KEY = "malpro-local-development-lookup-key-never-use-in-production"
MALPRO_DATA_KEYS = env.get_list("MALPRO_DATA_KEYS", [] if PRODUCTION else [DEV_DATA_KEY])
MALPRO_LOOKUP_KEY = env.get_str("MALPRO_LOOKUP_KEY") or ("" if PRODUCTION else DEV_LOOKUP_KEY)
if PRODUCTION:
    if not MALPRO_DATA_KEYS or DEV_DATA_KEY in MALPRO_DATA_KEYS:
        raise ImproperlyConfigured("MALPRO_DATA_KEYS must be set in production (own Fernet keys).")
    if len(MALPRO_LOOKUP_KEY) < 32 or MALPRO_LOOKUP_KEY == DEV_LOOKUP_KEY:
        raise ImproperlyConfigured("MALPRO_LOOKUP_KEY must be set in production (32+ chars).")
    if MALPRO_LOOKUP_KEY in (SECRET_KEY, *MALPRO_DATA_KEYS):
        raise ImproperlyConfigured("MALPRO_LOOKUP_KEY must differ from SECRET_KEY and data keys.")

# The city (or regency) this installation serves, by its Kemendagri code: 35.73 is Kota Malang.
MALPRO_REGENCY = env.get_str("MALPRO_REGENCY", "35.73") or "35.73"
if not re.fullmatch(r"\d{2}\.\d{2}", MALPRO_REGENCY):
    raise ImproperlyConfigured(f"MALPRO_REGENCY must look like 35.73, got {MALPRO_REGENCY!r}")
MALPRO_SITE_NAME = env.get_str("MALPRO_SITE_NAME", "Malpro") or "Malpro"

# --- applications -----------------------------------------------------------------------------
INSTALLED_APPS = [
    "malpro.core.apps.MalproAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",
    "malpro.core",
    "malpro.regions",
    "malpro.accounts",
    "malpro.umkm",
    "malpro.catalog",
    "malpro.orders",
    "malpro.ledger",
    "malpro.payments",
    "malpro.notifications",
    "malpro.asn",
    "malpro.dashboard",
    "malpro.books",
    "malpro.demo",
    "malpro.privacy",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "malpro.core.middleware.SecurityHeadersMiddleware",
    "malpro.core.middleware.RequestLimitsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "malpro.core.middleware.CityLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "malpro.accounts.middleware.LoginSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "malpro.urls"
WSGI_APPLICATION = "malpro.wsgi.application"
ASGI_APPLICATION = "malpro.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "malpro.core.context_processors.site",
                "malpro.notifications.context_processors.bell",
            ],
            "builtins": ["malpro.core.templatetags.malpro"],
        },
    }
]

# --- database ---------------------------------------------------------------------------------
DATABASE_URL = env.get_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=env.get_int("DB_CONN_MAX_AGE", 60),
            conn_health_checks=True,
        )
    }
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # SQLite creates the file, not its folder
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "malpro.sqlite3",
            "OPTIONS": {
                # WAL lets readers continue while one writer writes; IMMEDIATE takes the write
                # lock at BEGIN so two writers queue instead of failing with "database is locked".
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA busy_timeout=10000;"
                    "PRAGMA cache_size=-65536;"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": 10,
            },
            # A file, not memory, so tests run in WAL mode like the real thing; one per test
            # run, so two runs side by side do not share it.
            "TEST": {"NAME": str(VAR_DIR / f"test-malpro-{os.getpid()}.sqlite3")},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache, sessions, background work ---------------------------------------------------------
REDIS_URL = env.get_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "malpro",
        }
    }
    CACHES["throttle"] = {**CACHES["default"], "KEY_PREFIX": "malpro-thr"}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    if PRODUCTION and not env.get_bool("MALPRO_ALLOW_NO_REDIS", False):
        # Celery workers, shared rate limits and the cache need Redis in a city's deployment.
        # A benchmark or a single-process pilot may opt out explicitly.
        raise ImproperlyConfigured(
            "REDIS_URL must be set in production (or MALPRO_ALLOW_NO_REDIS=1 for a "
            "single-process pilot)."
        )
# Rate-limit counters (core.throttle): this cache with Redis; without it, the ThrottleCounter
# table, which every worker process shares.
MALPRO_THROTTLE_CACHE = "throttle" if REDIS_URL else ""

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
# Without Redis there is no worker: tasks run in the caller, which is what the embedded
# default and the tests want. With Redis they go to the Celery workers.
CELERY_TASK_ALWAYS_EAGER = env.get_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "Asia/Jakarta"
# Daily jobs at fixed local hours (CELERY_TIMEZONE), not "24 h after beat started".
CELERY_BEAT_SCHEDULE: dict = {
    "expire-payments": {"task": "payments.expire", "schedule": 60},
    "deliver-due-events": {"task": "events.deliver_due", "schedule": 60},
    "autocomplete-orders": {"task": "orders.autocomplete", "schedule": 60 * 60},
    "cancel-unaccepted-orders": {"task": "orders.cancel_unaccepted", "schedule": 60 * 60},
    "remind-expiring-payments": {"task": "payments.remind_expiring", "schedule": 5 * 60},
    "asn-nightly-flags": {"task": "asn.nightly", "schedule": crontab(hour=2, minute=0)},
    "dashboard-check-aggregates": {
        "task": "dashboard.check_aggregates",
        "schedule": crontab(hour=4, minute=0),
    },
    "purge-api-tokens": {
        "task": "accounts.api_tokens_purge",
        "schedule": crontab(hour=3, minute=0),
    },
    # Before office hours, so a city admin can approve it the same morning.
    "daily-payout-batch": {
        "task": "payments.daily_payout_batch",
        "schedule": crontab(hour=5, minute=0),
    },
    "asn-daily-reminders": {"task": "asn.remind", "schedule": crontab(hour=8, minute=0)},
    # A sweep not started within 25 s is dropped: the next one does its work (no pile of
    # sweeps while the messages workers are down).
    "send-due-messages": {
        "task": "notifications.send_due",
        "schedule": 30,
        "options": {"expires": 25},
    },
    "officers-daily-digest": {
        "task": "notifications.daily_digest",
        "schedule": crontab(hour=7, minute=0),
    },
    "purge-import-rows": {
        "task": "umkm.purge_import_rows",
        "schedule": crontab(hour=3, minute=30),
    },
}

# --- auth -------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["malpro.accounts.backends.PhoneRoleBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:profile"
LOGOUT_REDIRECT_URL = "home"
# Login attempts: every attempt per client address (a window), and failures per (number,
# address) and per number, which cost growing delays instead of a lockout.
MALPRO_LOGIN_RATE_IP = env.get_str("MALPRO_LOGIN_RATE_IP", "30/5m")
MALPRO_LOGIN_FREE_FAILURES = env.get_int("MALPRO_LOGIN_FREE_FAILURES", 5)
MALPRO_LOGIN_FREE_FAILURES_PHONE = env.get_int("MALPRO_LOGIN_FREE_FAILURES_PHONE", 20)
# API tokens live for a day and are renewed (POST /api/v1/auth/renew) up to the session's
# absolute limit; after it, log in again.
MALPRO_API_TOKEN_HOURS = env.get_int("MALPRO_API_TOKEN_HOURS", 24)
MALPRO_API_SESSION_DAYS = env.get_int("MALPRO_API_SESSION_DAYS", 30)
# One-time codes: length, life, tries, and the pause before another may be sent.
MALPRO_OTP_TTL_SECONDS = env.get_int("MALPRO_OTP_TTL_SECONDS", 5 * 60)
MALPRO_OTP_MAX_TRIES = env.get_int("MALPRO_OTP_MAX_TRIES", 5)
MALPRO_OTP_RESEND_SECONDS = env.get_int("MALPRO_OTP_RESEND_SECONDS", 60)
MALPRO_OTP_PER_HOUR = env.get_int("MALPRO_OTP_PER_HOUR", 5)
# After a recovery at the kelurahan desk, payout account and QRIS stay as they were this long.
MALPRO_RECOVERY_HOLD_DAYS = env.get_int("MALPRO_RECOVERY_HOLD_DAYS", 3)
# How one-time codes reach a phone: "console" (the embedded default: the code is printed on
# the server's console), "memory" (tests read them), or "http" (a generic SMS gateway).
MALPRO_SMS_BACKEND = env.get_choice("MALPRO_SMS_BACKEND", ("console", "memory", "http"), "console")
MALPRO_SMS_HTTP_URL = env.get_str("MALPRO_SMS_HTTP_URL", "") or ""
MALPRO_SMS_HTTP_TOKEN = env.get_str("MALPRO_SMS_HTTP_TOKEN", "") or ""
MALPRO_SMS_SENDER = env.get_str("MALPRO_SMS_SENDER", "MALPRO") or "MALPRO"
if (
    PRODUCTION
    and MALPRO_SMS_BACKEND != "http"
    and not env.get_bool("MALPRO_ALLOW_CONSOLE_SMS", False)
):
    raise ImproperlyConfigured(
        "One-time codes need a real channel in production: MALPRO_SMS_BACKEND=http with "
        "MALPRO_SMS_HTTP_URL (or MALPRO_ALLOW_CONSOLE_SMS=1 for a pilot without SMS)."
    )
# --- messaging (notifications) ------------------------------------------------------------------
# Links in WhatsApp, SMS and email point here.
MALPRO_PUBLIC_URL = (env.get_str("MALPRO_PUBLIC_URL", "http://127.0.0.1:8000") or "").rstrip("/")
# WhatsApp Business Cloud API: "console" (printed, the embedded default), "memory" (tests) or
# "cloud" with the phone number id, a system user's access token, and the app secret that
# signs the status webhooks (X-Hub-Signature-256) plus the token Meta echoes when the
# webhook is registered.
MALPRO_WHATSAPP_BACKEND = env.get_choice(
    "MALPRO_WHATSAPP_BACKEND", ("console", "memory", "cloud"), "console"
)
MALPRO_WHATSAPP_API_URL = (
    env.get_str("MALPRO_WHATSAPP_API_URL", "https://graph.facebook.com/v21.0") or ""
)
MALPRO_WHATSAPP_PHONE_NUMBER_ID = env.get_str("MALPRO_WHATSAPP_PHONE_NUMBER_ID", "") or ""
MALPRO_WHATSAPP_TOKEN = env.get_str("MALPRO_WHATSAPP_TOKEN", "") or ""
MALPRO_WHATSAPP_APP_SECRET = env.get_str("MALPRO_WHATSAPP_APP_SECRET", "") or ""
MALPRO_WHATSAPP_VERIFY_TOKEN = env.get_str("MALPRO_WHATSAPP_VERIFY_TOKEN", "") or ""
if MALPRO_WHATSAPP_BACKEND == "cloud" and not (
    MALPRO_WHATSAPP_PHONE_NUMBER_ID and MALPRO_WHATSAPP_TOKEN and MALPRO_WHATSAPP_APP_SECRET
):
    raise ImproperlyConfigured(
        "MALPRO_WHATSAPP_BACKEND=cloud needs MALPRO_WHATSAPP_PHONE_NUMBER_ID, "
        "MALPRO_WHATSAPP_TOKEN and MALPRO_WHATSAPP_APP_SECRET."
    )
if (
    PRODUCTION
    and MALPRO_WHATSAPP_BACKEND != "cloud"
    and not env.get_bool("MALPRO_ALLOW_CONSOLE_WHATSAPP", False)
):
    # In Indonesia a marketplace that does not reach its sellers on WhatsApp does not reach
    # them at all: a city's deployment sends through the Cloud API.
    raise ImproperlyConfigured(
        "Messages need WhatsApp in production: MALPRO_WHATSAPP_BACKEND=cloud with its "
        "settings (or MALPRO_ALLOW_CONSOLE_WHATSAPP=1 for a pilot without WhatsApp)."
    )
# One-time codes: the channels tried in order ("sms", or "whatsapp,sms": WhatsApp's
# authentication template first, SMS when WhatsApp cannot take it).
MALPRO_OTP_CHANNELS = env.get_list("MALPRO_OTP_CHANNELS", ["sms"])
# Nothing but one-time codes between these hours, Jakarta time ("" turns quiet hours off).
MALPRO_QUIET_HOURS = env.get_str("MALPRO_QUIET_HOURS", "21-6") or ""
# A worker holds a message it is sending this long; past it the sweep takes it back (after
# the provider's status callbacks had time to say it was sent after all).
MALPRO_MESSAGE_LEASE_SECONDS = env.get_int("MALPRO_MESSAGE_LEASE_SECONDS", 120)
MALPRO_MESSAGE_MAX_ATTEMPTS = env.get_int("MALPRO_MESSAGE_MAX_ATTEMPTS", 8)
# Provider calls one worker process keeps in flight (threads that only talk HTTP).
MALPRO_MESSAGE_SENDERS = env.get_int("MALPRO_MESSAGE_SENDERS", 8)
# Email: Django's backends. The console backend prints mails in the embedded default.
EMAIL_BACKEND = (
    env.get_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
    or "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = env.get_str("EMAIL_HOST", "localhost") or "localhost"
EMAIL_PORT = env.get_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env.get_str("EMAIL_HOST_USER", "") or ""
EMAIL_HOST_PASSWORD = env.get_str("EMAIL_HOST_PASSWORD", "") or ""
EMAIL_USE_TLS = env.get_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env.get_int("EMAIL_TIMEOUT", 15)
DEFAULT_FROM_EMAIL = env.get_str("DEFAULT_FROM_EMAIL", "Malpro <noreply@localhost>") or ""

# The client's address: REMOTE_ADDR, unless the peer is one of these proxies (addresses or
# networks); then the forwarding header below, read from the right.
MALPRO_TRUSTED_PROXIES = env.get_list("MALPRO_TRUSTED_PROXIES", [])
MALPRO_CLIENT_IP_HEADER = (
    env.get_str("MALPRO_CLIENT_IP_HEADER", "X-Forwarded-For") or "X-Forwarded-For"
)
try:
    import ipaddress as _ipaddress

    for _net in MALPRO_TRUSTED_PROXIES:
        _ipaddress.ip_network(_net, strict=False)
except ValueError as _exc:
    raise ImproperlyConfigured(f"MALPRO_TRUSTED_PROXIES: {_exc}") from _exc
if PRODUCTION and env.get_bool("MALPRO_BEHIND_PROXY", True) and not MALPRO_TRUSTED_PROXIES:
    # Behind a proxy with none trusted, every person seems to come from the proxy: one
    # attacker's failures would slow the whole city's logins.
    raise ImproperlyConfigured(
        "MALPRO_TRUSTED_PROXIES must list the reverse proxy's address(es) in production "
        "(or MALPRO_BEHIND_PROXY=0 when clients connect directly)."
    )

# --- internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True
PHONENUMBER_DEFAULT_REGION = "ID"

# --- static and media -------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
WHITENOISE_USE_FINDERS = not PRODUCTION  # serve app static files without collectstatic locally
WHITENOISE_AUTOREFRESH = not PRODUCTION
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.get_str("MEDIA_ROOT") or VAR_DIR / "media")
PRIVATE_MEDIA_ROOT = Path(env.get_str("PRIVATE_MEDIA_ROOT") or VAR_DIR / "private")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Documents with personal data (KTP photos, permits, uploaded spreadsheets): never under
    # MEDIA_URL; served only through views that check who is asking.
    "private": {
        # Encrypted on disk with MALPRO_DATA_KEYS (malpro/core/storage.py).
        "BACKEND": "malpro.core.storage.EncryptedFileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- security ---------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.get_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env.get_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    if env.get_bool("MALPRO_BEHIND_PROXY", True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- logging ----------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "malpro.core.logging.RedactPersonalNumbers"}},
    "formatters": {
        "plain": {
            "()": "malpro.core.logging.RedactingFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact"],
        }
    },
    "root": {"handlers": ["console"], "level": env.get_str("LOG_LEVEL", "INFO")},
    # Django's default handlers (runserver's access lines, the DEBUG console, mail to admins)
    # do not redact, and gunicorn's are its own: every one of them is replaced by ours.
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# --- marketplace ------------------------------------------------------------------------------
# Delivered orders the buyer does not confirm complete by themselves after this many days.
MALPRO_ORDER_AUTOCOMPLETE_DAYS = env.get_int("MALPRO_ORDER_AUTOCOMPLETE_DAYS", 3)
# Orders a seller neither accepts nor rejects within this many hours are cancelled by the system.
MALPRO_ORDER_ACCEPT_HOURS = env.get_int("MALPRO_ORDER_ACCEPT_HOURS", 24)
# A sale that brings a product's stock to this or below tells its seller (once per crossing).
MALPRO_LOW_STOCK = env.get_int("MALPRO_LOW_STOCK", 3)
# The dashboard's figures of a period still running may be this many seconds old: a busy
# city completes an order every few seconds, and each would otherwise make the next view
# recount the month (docs/dashboard.md). 0: always current.
MALPRO_DASHBOARD_LIVE_SECONDS = env.get_int("MALPRO_DASHBOARD_LIVE_SECONDS", 60)
MALPRO_PAYMENT_METHODS = env.get_list(
    "MALPRO_PAYMENT_METHODS", ["cod"] if PRODUCTION else ["cod", "qris", "va"]
)
# Which adapter serves each cashless method: simulator (the embedded default), midtrans, snapbi.
MALPRO_PAYMENT_PROVIDERS = {
    "qris": env.get_choice("MALPRO_QRIS_PROVIDER", ("simulator", "midtrans"), "simulator"),
    "va": env.get_choice("MALPRO_VA_PROVIDER", ("simulator", "midtrans", "snapbi"), "simulator"),
}
MALPRO_PAYMENT_EXPIRY_MINUTES = env.get_int("MALPRO_PAYMENT_EXPIRY_MINUTES", 30)
MALPRO_SIMULATOR_SECRET = env.get_str("MALPRO_SIMULATOR_SECRET", "") or ""
# The simulator "pays" without money: never in production unless explicitly allowed (a pilot).
MALPRO_SIMULATOR_ENABLED = env.get_bool("MALPRO_SIMULATOR_ENABLED", not PRODUCTION)
if (
    PRODUCTION
    and "simulator" in MALPRO_PAYMENT_PROVIDERS.values()
    and not (MALPRO_SIMULATOR_ENABLED)
    and set(MALPRO_PAYMENT_METHODS) - {"cod"}
):
    raise ImproperlyConfigured(
        "Cashless payments in production need a real provider: set MALPRO_QRIS_PROVIDER / "
        "MALPRO_VA_PROVIDER (midtrans, snapbi), or MALPRO_PAYMENT_METHODS=cod."
    )
MALPRO_QRIS_MERCHANT_CITY = env.get_str("MALPRO_QRIS_MERCHANT_CITY", "MALANG") or "MALANG"
MIDTRANS_SERVER_KEY = env.get_str("MIDTRANS_SERVER_KEY", "") or ""
MIDTRANS_IS_PRODUCTION = env.get_bool("MIDTRANS_IS_PRODUCTION", False)
MIDTRANS_API_BASE_URL = env.get_str("MIDTRANS_API_BASE_URL", "") or ""
MIDTRANS_VA_BANK = env.get_str("MIDTRANS_VA_BANK", "bni") or "bni"
SNAPBI_CLIENT_SECRET = env.get_str("SNAPBI_CLIENT_SECRET", "") or ""
SNAPBI_ACCESS_TOKEN = env.get_str("SNAPBI_ACCESS_TOKEN", "") or ""
SNAPBI_PARTNER_SERVICE_ID = env.get_str("SNAPBI_PARTNER_SERVICE_ID", "  088899") or "  088899"
SNAPBI_BANK_NAME = env.get_str("SNAPBI_BANK_NAME", "Bank Jatim") or "Bank Jatim"

# --- API --------------------------------------------------------------------------------------
NINJA_PAGINATION_MAX_LIMIT = 100
