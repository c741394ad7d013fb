"""Django settings for Kazoom, some of them from environment variables (``kazoom_site.env``).

The SQLite files live in one data directory: ``data/`` beside this project, or the directory
named by the ``KAZOOM_DATA_DIR`` environment variable. ``kazoom_site.apps`` creates it, and
STATIC_ROOT inside it, when Django starts. The fingerprints go to PostgreSQL instead when
``KAZOOM_FINGERPRINTS_URL`` names a database there.
"""

from datetime import timedelta
from pathlib import Path

from .env import (
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_path,
    env_postgres,
    env_rate,
    env_secret,
)

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = env_path("KAZOOM_DATA_DIR", BASE_DIR / "data")

DEBUG = env_bool("DJANGO_DEBUG", True)
#: With DEBUG off, Kazoom refuses to start on the development key, which anyone can read here.
SECRET_KEY = env_secret(
    "DJANGO_SECRET_KEY", "kazoom-development-key-change-me-in-production", required=not DEBUG
)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])

#: Whether browsers reach the site over HTTPS (by default, when DEBUG is off): the default of
#: the redirect to HTTPS, the cookies' Secure flag and HSTS. A plain-HTTP production-style run
#: on one's own machine sets DJANGO_HTTPS=0.
HTTPS = env_bool("DJANGO_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", HTTPS)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SESSION_COOKIE_SECURE", HTTPS)
CSRF_COOKIE_SECURE = env_bool("DJANGO_CSRF_COOKIE_SECURE", HTTPS)
#: Sent with HTTPS responses only; a year, the least the browsers' preload lists accept.
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 365 * 24 * 3600 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", HTTPS)
#: Behind a TLS-terminating proxy that sets X-Forwarded-Proto (and strips a client's own), a
#: request it forwarded over HTTPS is secure: no redirect loop, and the CSRF check expects the
#: https:// origin the browser sent.
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https")
    if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER", False)
    else None
)
#: Origins (https://kazoom.example.org) whose forms are accepted besides the host's own: a
#: proxy that passes on another Host header than the browser's.
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
#: A form refused by the CSRF check: the site's page, the page's error card or the API's JSON.
CSRF_FAILURE_VIEW = "recognition.error_pages.csrf_failure"

INSTALLED_APPS = [
    "kazoom_site",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "catalog",
    "fingerprints",
    "recognition",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "kazoom_site.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Inside CommonMiddleware, whose slash-appending redirect must still see the 404.
    "recognition.error_pages.NotFoundPageMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it answers a locked-out login attempt.
    "axes.middleware.AxesMiddleware",
]

#: django-axes first: it refuses a login from an address locked out before any password is
#: checked, so a right password does not get through a lockout.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
#: After this many failed logins from one address (KAZOOM_ADMIN_LOGIN_FAILURES), that address
#: may not log in for KAZOOM_ADMIN_LOCKOUT_MINUTES, however right the next password; a login
#: that succeeds first forgets the failures.
AXES_FAILURE_LIMIT = env_int("KAZOOM_ADMIN_LOGIN_FAILURES", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("KAZOOM_ADMIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "kazoom_site.clients.client_address"

#: What pages may load, and from where: their own scripts, styles and connections only (no
#: inline script or style attribute anywhere, the admin's included), images of their own or
#: written in the page (the clip's spectrogram in *Why this match?* is a PNG inside its SVG),
#: no plugin, no <base>, forms posted to the site alone, and never inside another site's frame.
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}

ROOT_URLCONF = "kazoom_site.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "kazoom_site.wsgi.application"

# WAL lets recognition read while index_songs writes; NORMAL sync is safe with WAL. Every
# transaction takes the write lock when it begins (IMMEDIATE), so a writer waits up to
# `timeout` seconds for its turn: a deferred transaction that reads and then writes fails at
# once with "database is locked" when another writer got there first.
_SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    "transaction_mode": "IMMEDIATE",
    "timeout": 30,
}
_FINGERPRINTS_POSTGRES = env_postgres("KAZOOM_FINGERPRINTS_URL")
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "kazoom.sqlite3",
        "OPTIONS": _SQLITE_OPTIONS,
    },
    "fingerprints": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "fingerprints.sqlite3",
        "OPTIONS": _SQLITE_OPTIONS,
    }
    if _FINGERPRINTS_POSTGRES is None
    # A recognition is a few milliseconds of queries: keep the connection rather than open one
    # per request, checking it before reuse.
    else {**_FINGERPRINTS_POSTGRES, "CONN_MAX_AGE": 600, "CONN_HEALTH_CHECKS": True},
}
DATABASE_ROUTERS = ["fingerprints.routers.FingerprintRouter"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "staticfiles"
# WhiteNoise serves static files in production (after `collectstatic`), compressed.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

#: In the catalog's database (``manage.py createcachetable``, run by scripts/setup.sh), so every
#: gunicorn worker process counts the same requests. Past MAX_ENTRIES rows (each write counts
#: them) the expired ones are deleted; counts still in their period go only when more clients
#: than that asked in one period.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "kazoom_cache",
        "OPTIONS": {"MAX_ENTRIES": 20_000},
    }
}

#: The task queue (django-tasks, Django's Tasks API, with its database backend): tasks wait in
#: the catalog's database, so a single instance needs no other server; ``manage.py worker``
#: runs them, and ``manage.py runserver`` starts one beside itself.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

#: Overrides of ``fingerprints.config.EngineConfig`` fields, e.g. {"index_fan_out": 5}.
KAZOOM: dict[str, object] = {}

#: Largest clip accepted for recognition (web page and API), in bytes.
KAZOOM_MAX_CLIP_BYTES = env_int("KAZOOM_MAX_CLIP_BYTES", 20 * 1024 * 1024)
#: Largest song file accepted by the admin's upload, in bytes.
KAZOOM_MAX_SONG_BYTES = env_int("KAZOOM_MAX_SONG_BYTES", 500 * 1024 * 1024)
#: How many recognitions (page and API together) one client may ask for, e.g. (30, 60) for
#: ``KAZOOM_RATE_LIMIT=30/m``; None, when unset, for no limit.
KAZOOM_RATE_LIMIT = env_rate("KAZOOM_RATE_LIMIT")
#: The key ``POST /api/recognize`` needs (``Authorization: Bearer KEY`` or ``X-API-Key``);
#: unset, the API is open to all. The page never needs it.
KAZOOM_API_KEY = env_secret("KAZOOM_API_KEY", "", required=False)
#: How many proxies in front of Kazoom append the address they saw to X-Forwarded-For: a
#: client (for the rate limit and the admin's login lockout) is the address that many entries
#: from its end; 0, the default, trusts none of it and takes the connection's own address.
KAZOOM_TRUSTED_PROXIES = env_int("KAZOOM_TRUSTED_PROXIES", 0)
#: ``manage.py prune`` deletes the recognition attempts logged longer ago than this, the
#: timeline jobs that ended longer ago than ``KAZOOM_TIMELINE_RETENTION_DAYS`` (with their
#: results) and the indexing jobs that ended longer ago than
#: ``KAZOOM_INDEXING_RETENTION_DAYS``.
KAZOOM_ATTEMPT_RETENTION_DAYS = env_int("KAZOOM_ATTEMPT_RETENTION_DAYS", 90)
KAZOOM_TIMELINE_RETENTION_DAYS = env_int("KAZOOM_TIMELINE_RETENTION_DAYS", 30)
KAZOOM_INDEXING_RETENTION_DAYS = env_int("KAZOOM_INDEXING_RETENTION_DAYS", 30)
#: Where the admin keeps uploaded song files, under names the server makes.
KAZOOM_LIBRARY_DIR = DATA_DIR / "library"
#: Where the admin keeps a file chosen on a song form that was refused for another field, so
#: that sending the form again needs no new choice; a file kept there longer than
#: ``KAZOOM_KEPT_UPLOAD_HOURS`` is removed (the form's token for it has expired).
KAZOOM_PENDING_UPLOADS_DIR = DATA_DIR / "pending-uploads"
KAZOOM_KEPT_UPLOAD_HOURS = env_int("KAZOOM_KEPT_UPLOAD_HOURS", 24)
#: Who may play the indexed songs themselves (``/songs/<id>/audio``, the pages' players):
#: "staff" (the default: the library may not be everyone's to hear) or "everyone".
KAZOOM_PLAYBACK = env_choice("KAZOOM_PLAYBACK", "STAFF", ["STAFF", "EVERYONE"]).lower()
#: Largest recording accepted for a timeline (``/timeline/`` and ``POST /api/timeline``), in
#: bytes, from ``KAZOOM_TIMELINE_MAX_UPLOAD_MB``.
KAZOOM_TIMELINE_MAX_UPLOAD_BYTES = env_int("KAZOOM_TIMELINE_MAX_UPLOAD_MB", 500) * 1024 * 1024
#: A running timeline job whose worker has written no progress for this many seconds is put
#: back on the queue when it is looked at: its worker is gone. A worker writes it at least
#: every few seconds (a window takes milliseconds, five minutes of peaks a few seconds).
KAZOOM_TIMELINE_STALE_SECONDS = env_int("KAZOOM_TIMELINE_STALE_SECONDS", 120)
#: Where the recordings of timeline jobs wait for the worker, under names the server makes;
#: each goes when its job ends, and one no job keeps (left by a crash) with ``manage.py prune``.
KAZOOM_TIMELINE_UPLOADS_DIR = DATA_DIR / "timeline-uploads"
#: Where uploads too big to keep in memory are written while a request is read: in the data
#: directory, on disk (the system's temporary folder may be a RAM disk), and on the filesystem
#: the timeline uploads are moved to without a copy.
FILE_UPLOAD_TEMP_DIR = DATA_DIR / "uploads"
#: Where songs' cover art is kept, re-encoded, under names the server makes.
KAZOOM_COVERS_DIR = DATA_DIR / "covers"

#: Everything is logged to the console (stderr), from ``KAZOOM_LOG_LEVEL`` (INFO by default) up.
#: Django's own default would show its request errors there only while DEBUG is on.
LOG_LEVEL = env_choice(
    "KAZOOM_LOG_LEVEL", "INFO", ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        # Its lockouts are warnings; its INFO is a line at every start of every command.
        "axes.apps": {"level": "WARNING"},
    },
}

#: Small uploads are kept in memory; larger ones go to a temporary file named by the server.
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "kazoom_site.upload_handlers.NamelessTemporaryFileUploadHandler",
]
