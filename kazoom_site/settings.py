"""Django settings for Kazoom, some of them from environment variables (``kazoom_site.env``).

The SQLite files live in one data directory: ``data/`` beside this project, or the directory
named by the ``KAZOOM_DATA_DIR`` environment variable. ``kazoom_site.apps`` creates it, and
STATIC_ROOT inside it, when Django starts. The fingerprints go to PostgreSQL instead when
``KAZOOM_FINGERPRINTS_URL`` names a database there.
"""

import os
from pathlib import Path

from .env import env_bool, env_choice, env_int, env_list, env_path, env_postgres

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = env_path("KAZOOM_DATA_DIR", BASE_DIR / "data")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "kazoom-development-key-change-me-in-production")
DEBUG = env_bool("DJANGO_DEBUG", True)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])

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
    "catalog",
    "fingerprints",
    "recognition",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

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

#: Overrides of ``fingerprints.config.EngineConfig`` fields, e.g. {"index_fan_out": 5}.
KAZOOM: dict[str, object] = {}

#: Largest clip accepted for recognition (web page and API), in bytes.
KAZOOM_MAX_CLIP_BYTES = env_int("KAZOOM_MAX_CLIP_BYTES", 20 * 1024 * 1024)
#: Largest song file accepted by the admin's upload, in bytes.
KAZOOM_MAX_SONG_BYTES = env_int("KAZOOM_MAX_SONG_BYTES", 500 * 1024 * 1024)
#: Where the admin keeps uploaded song files, under names the server makes.
KAZOOM_LIBRARY_DIR = DATA_DIR / "library"
#: Who may play the indexed songs themselves (``/songs/<id>/audio``, the pages' players):
#: "staff" (the default: the library may not be everyone's to hear) or "everyone".
KAZOOM_PLAYBACK = env_choice("KAZOOM_PLAYBACK", "STAFF", ["STAFF", "EVERYONE"]).lower()
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
    "loggers": {"django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False}},
}

#: Small uploads are kept in memory; larger ones go to a temporary file named by the server.
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "kazoom_site.upload_handlers.NamelessTemporaryFileUploadHandler",
]
