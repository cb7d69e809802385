"""Settings of the DataSud platform, read from the environment (12-factor).

Every value has an embedded default so that `make run` works on a fresh machine with SQLite
and local files; production sets DATABASE_URL (PostgreSQL), SECRET_KEY, ALLOWED_HOSTS and
DATASUD_DEBUG=0.
"""
import os
import tempfile
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
# Everything the platform writes (database, uploaded files, collected assets) lives here.
VAR_DIR = Path(os.environ.get("DATASUD_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DATASUD_DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("SECRET_KEY must be set when DATASUD_DEBUG=0")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"

ALLOWED_HOSTS = [
    h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h
]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]
# The public address of the platform, used in absolute links (API, feeds, emails).
SITE_URL = os.environ.get("DATASUD_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "ninja",
    "datasud.web",
    "datasud.accounts",
    "datasud.territories",
    "datasud.catalog",
    "datasud.search",
    "datasud.datastore",
    "datasud.ckan",
    "datasud.dcat",
    "datasud.harvest",
    "datasud.operations",
    "datasud.employment",
    "datasud.trainings",
    "datasud.geo",
    "datasud.programmes",
    "datasud.intelligence",
    "datasud.discovery",
    "datasud.quality",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "datasud.web.security.RejectNulBytesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "datasud.web.security.ContentSecurityPolicyMiddleware",
    "datasud.catalog.middleware.UploadLimitMiddleware",
]

ROOT_URLCONF = "datasud.urls"
WSGI_APPLICATION = "datasud.wsgi.application"
ASGI_APPLICATION = "datasud.asgi.application"

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
            ],
            # « 1er janvier » in French for every `|date` (`datasud/web/dates.py`).
            "builtins": ["datasud.web.templatetags.french_dates"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'datasud.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite creates its file but not the folder: make it so a fresh clone just runs.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets readers go on while a writer works; the busy timeout avoids spurious
    # "database is locked" errors under concurrent requests.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    # Connections are kept between requests (CONN_MAX_AGE, as for PostgreSQL): opening one
    # reads the whole schema and runs the pragmas above, which cost more than a cached tile
    # or a small API answer (measured: 4 ms against 24 ms a tile, docs/benchmarks.md).
    # Tests use a file too, not SQLite's shared in-memory database: that one locks whole
    # tables without waiting, which breaks as soon as a second thread (the in-process task
    # worker) writes while a test reads.
    # One file per process, so that two test runs on one machine never share it.
    DATABASES["default"]["TEST"] = {
        "NAME": os.path.join(tempfile.gettempdir(), f"datasud-test-{os.getpid()}.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "datasud" / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# MapLibre GL JS (the maps), installed from npm by package-lock.json and served by the
# platform under static/vendor/maplibre-gl/ (no CDN); without it maps fall back to text.
MAPLIBRE_DIST = BASE_DIR / "node_modules" / "maplibre-gl" / "dist"
STATICFILES_DIRS = [("vendor/maplibre-gl", MAPLIBRE_DIST)] if MAPLIBRE_DIST.is_dir() else []
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
# Resources' uploaded files are served by a view that checks the dataset's permissions; in
# production it hands the file to the reverse proxy: set the prefix of an internal location
# aliased to MEDIA_ROOT (nginx: `location /_protected/ { internal; alias .../media/; }`).
DATASUD_MEDIA_ACCEL_PREFIX = os.environ.get("DATASUD_MEDIA_ACCEL_PREFIX", "")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Uploads: files bigger than this are refused with HTTP 413 before anything is stored.
DATASUD_MAX_UPLOAD_SIZE = int(os.environ.get("DATASUD_MAX_UPLOAD_SIZE", str(512 * 1024 * 1024)))
# Django keeps small uploads in memory and streams the rest to a temporary file.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_TEMP_DIR = os.environ.get("DATASUD_UPLOAD_TEMP_DIR") or None

# Datastore: Parquet versions of tabular resources, queried with DuckDB.
DATASTORE_DIR = Path(os.environ.get("DATASUD_DATASTORE_DIR", VAR_DIR / "datastore"))
DATASTORE_THREADS = int(os.environ.get("DATASUD_DATASTORE_THREADS", "2"))
# Memory DuckDB may use while loading one file (beyond it, it spills to disk).
DATASTORE_INGEST_MEMORY = os.environ.get("DATASUD_DATASTORE_INGEST_MEMORY", "1GB")
# Memory of the shared query database serving the records API, previews and exports.
DATASTORE_QUERY_MEMORY = os.environ.get("DATASUD_DATASTORE_QUERY_MEMORY", "1GB")
# The public read-only SQL endpoint: per query memory, time and row limits.
DATASTORE_SQL_MEMORY = os.environ.get("DATASUD_DATASTORE_SQL_MEMORY", "256MB")
DATASTORE_SQL_TIMEOUT = float(os.environ.get("DATASUD_DATASTORE_SQL_TIMEOUT", "5"))
DATASTORE_SQL_ROW_CAP = int(os.environ.get("DATASUD_DATASTORE_SQL_ROW_CAP", "10000"))
# Remote resources are downloaded for ingestion up to this size, with this timeout.
DATASTORE_MAX_REMOTE_SIZE = int(os.environ.get("DATASUD_DATASTORE_MAX_REMOTE_SIZE",
                                               str(512 * 1024 * 1024)))
DATASTORE_REMOTE_TIMEOUT = float(os.environ.get("DATASUD_DATASTORE_REMOTE_TIMEOUT", "60"))
# Refuse remote addresses inside our own network (SSRF); only for closed test setups.
DATASTORE_ALLOW_PRIVATE_URLS = env_bool("DATASUD_DATASTORE_ALLOW_PRIVATE_URLS", False)
# Vector tiles cached on disk under DATASTORE_DIR/tiles/ (datasud/geo/tilecache.py): beyond
# this size the least recently used tiles are deleted.
GEO_TILE_CACHE_MAX_BYTES = int(os.environ.get("DATASUD_GEO_TILE_CACHE_MAX_BYTES",
                                              str(512 * 1024 * 1024)))

# The web process, as it starts, and the mobility wizard's first page start building the
# diagnostic engine in the background (datasud/employment/services.py `warm_up`), so that
# nobody waits for it on submitting or on opening a shared result.
EMPLOYMENT_WARM_UP = env_bool("DATASUD_EMPLOYMENT_WARM_UP", True)
# Likewise the metadata suggestion model (datasud/intelligence/services.py `warm_up`: about
# 2 s and 90 MB), as the web process starts and when the dataset form opens.
SUGGESTIONS_WARM_UP = env_bool("DATASUD_SUGGESTIONS_WARM_UP", True)

# Background work (ingestion, later harvesting) goes through Django's task framework.
# "inprocess" (default): tasks are stored in the database and run by a worker thread of the
# web process, so `make run` needs nothing else. "database": tasks are stored in the
# database and run by separate `datasud db_worker` processes (production).
# "immediate": run at once in the caller (tests that want synchronous loads).
DATASUD_TASKS = os.environ.get("DATASUD_TASKS", "inprocess")
TASKS = {
    "default": {
        "BACKEND": {
            "inprocess": "datasud.taskqueue.InProcessBackend",
            "database": "django_tasks_db.DatabaseBackend",
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
        }[DATASUD_TASKS],
    }
}

# Harvesting partners' portals (datasud/harvest): limits of one source's answers and jobs.
HARVEST_TIMEOUT = float(os.environ.get("DATASUD_HARVEST_TIMEOUT", "30"))  # per request, s
HARVEST_MAX_RESPONSE_SIZE = int(os.environ.get("DATASUD_HARVEST_MAX_RESPONSE_SIZE",
                                               str(50 * 1024 * 1024)))
HARVEST_MAX_RECORDS = int(os.environ.get("DATASUD_HARVEST_MAX_RECORDS", "50000"))
# A job still "running" after this long was left by a crashed process: it may be retaken.
HARVEST_LOCK_TIMEOUT = int(os.environ.get("DATASUD_HARVEST_LOCK_TIMEOUT", str(6 * 3600)))

# The link checker (datasud/quality/linkcheck.py, `datasud check_links --due`): requests at
# once over all hosts, seconds between two requests to one host, timeout per request (s),
# days before a working link is checked again, failures in a row before a link is flagged
# broken (404 and 410 flag it at once).
LINKCHECK_CONCURRENCY = int(os.environ.get("DATASUD_LINKCHECK_CONCURRENCY", "4"))
LINKCHECK_HOST_DELAY = float(os.environ.get("DATASUD_LINKCHECK_HOST_DELAY", "1"))
LINKCHECK_TIMEOUT = float(os.environ.get("DATASUD_LINKCHECK_TIMEOUT", "10"))
LINKCHECK_RECHECK_DAYS = float(os.environ.get("DATASUD_LINKCHECK_RECHECK_DAYS", "7"))
LINKCHECK_BROKEN_AFTER = int(os.environ.get("DATASUD_LINKCHECK_BROKEN_AFTER", "2"))
# Addresses checked per run at most, unless the run asks for another number (`--limit`):
# a run stays short (about an hour at worst), whatever the size of the catalogue.
LINKCHECK_MAX_PER_RUN = int(os.environ.get("DATASUD_LINKCHECK_MAX_PER_RUN", "500"))
# One run at a time (datasud/quality/lease.py): a run holds a lease for this long, renewed
# while it goes on; a run whose process died blocks the next one this long at most.
LINKCHECK_LEASE_SECONDS = float(os.environ.get("DATASUD_LINKCHECK_LEASE_SECONDS", "300"))

# Search counts the facets of large sets from the index's facet rows held in memory by each
# process (datasud/search/columns.py, about 15 MB at 60,000 datasets), rebuilt after index
# writes: "background" (in a thread, searches count in SQL meanwhile), "inline" (by the
# search that finds the copy stale: tests), or "off" (always in SQL).
SEARCH_FACET_COLUMNS = os.environ.get("DATASUD_SEARCH_FACET_COLUMNS", "background")

# E-mail (sign-up confirmation, password reset, membership requests). The default prints
# messages on the console, so `make run` works without a mail server.
EMAIL_BACKEND = os.environ.get("DATASUD_EMAIL_BACKEND",
                               "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("DATASUD_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DATASUD_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DATASUD_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DATASUD_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DATASUD_EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 10  # a slow mail server must not hold a request
DEFAULT_FROM_EMAIL = os.environ.get("DATASUD_FROM_EMAIL",
                                    "DataSud <ne-pas-repondre@datasud.fr>")
PASSWORD_RESET_TIMEOUT = 24 * 3600
# Addresses told of every new programme application (comma-separated; default: nobody).
PROGRAMMES_NOTIFY_EMAILS = [address.strip() for address in os.environ.get(
    "DATASUD_PROGRAMMES_NOTIFY_EMAILS", "").split(",") if address.strip()]

# The cache holds search counts and the sign-in/e-mail throttles. "locmem" (default) is
# per process; with several web processes use "database" (a table made by
# `datasud createcachetable`), so that throttles hold across processes.
DATASUD_CACHE = os.environ.get("DATASUD_CACHE", "locmem")
CACHES = {"default": {
    "locmem": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "database": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                 "LOCATION": "datasud_cache"},
}[DATASUD_CACHE]}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy: see datasud/web/security.py for the policy and its reasons.
DATASUD_CSP_REPORT_ONLY = env_bool("DATASUD_CSP_REPORT_ONLY", False)
if not DEBUG:
    SECURE_HSTS_SECONDS = int(os.environ.get("DATASUD_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DATASUD_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
