"""ParkOS settings: one module, switched by environment variables read through `env()`.

PARKOS_ENV      development (default) | production | test
DATABASE_URL    sqlite:////abs/path.db or postgres://user@host/db (default: SQLite in PARKOS_DATA_DIR)
PARKOS_DATA_DIR where the SQLite database, uploads and the file cache live (default: ./var)
SECRET_KEY      required in production
ALLOWED_HOSTS   comma-separated, required in production
REDIS_URL       optional: cache (and import progress) in Redis instead of files
EMAIL_HOST      optional: send the inbox's daily digest by mail (EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD,
                EMAIL_USE_TLS, DEFAULT_FROM_EMAIL); without it the digest is a page
"""

from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_UNSET: Any = object()


def env(name: str, default: Any = _UNSET, *, cast: type = str) -> Any:
    """Read one environment variable, typed; a missing required one is a configuration error."""
    import os

    raw = os.environ.get(name)
    if raw is None or raw == "":
        if default is _UNSET:
            raise ImproperlyConfigured(f"Environment variable {name} is required")
        return default
    if cast is bool:
        if raw.lower() in {"1", "true", "yes", "on"}:
            return True
        if raw.lower() in {"0", "false", "no", "off"}:
            return False
        raise ImproperlyConfigured(f"{name} must be a boolean, got {raw!r}")
    if cast is list:
        return [p.strip() for p in raw.split(",") if p.strip()]
    try:
        return cast(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}: {exc}") from exc


PARKOS_ENV = env("PARKOS_ENV", "development")
if PARKOS_ENV not in {"development", "production", "test"}:
    raise ImproperlyConfigured("PARKOS_ENV must be development, production or test")
PRODUCTION = PARKOS_ENV == "production"

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env("PARKOS_DATA_DIR", str(Path.cwd() / "var"))).resolve()

DEBUG = env("DEBUG", False, cast=bool)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must not be on in production")

if PRODUCTION:
    SECRET_KEY = env("SECRET_KEY")
    ALLOWED_HOSTS = env("ALLOWED_HOSTS", cast=list)
else:
    SECRET_KEY = env("SECRET_KEY", "parkos-development-key-not-for-production-use-0123456789abcdef")
    ALLOWED_HOSTS = env("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"], cast=list)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "parkos.core",
    "parkos.enterprises",
    "parkos.efficiency",
    "parkos.projects",
    "parkos.workplan",
    "parkos.chains",
    "parkos.investment",
    "parkos.servicedesk",
    "parkos.ratings",
    "parkos.policies",
    "parkos.credit",
    "parkos.cockpit",
    "parkos.demo",  # the `parkos demo` command only (no models)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "parkos.core.security.RateLimitMiddleware",  # 429 + Retry-After on login posts and API calls over the limit
    "parkos.core.middleware.LanguageMiddleware",  # zh-hans unless the user picked another; never the browser's
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "parkos.urls"
WSGI_APPLICATION = "parkos.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "parkos.core.views.nav_context",
            ],
        },
    },
]

_default_db = f"sqlite:///{DATA_DIR / 'parkos.sqlite3'}"
DATABASE_URL = env("DATABASE_URL", _default_db)
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=0 if PARKOS_ENV == "test" else env("CONN_MAX_AGE", 60 if PRODUCTION else 0, cast=int),
        conn_health_checks=True,  # a kept connection is checked before a request uses it (PostgreSQL restarts)
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000; "
        "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;",  # 64 MB page cache
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["TEST"] = {"NAME": env("PARKOS_TEST_SQLITE", None)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [  # Django's rules, for every password set (by the user, an administrator, a reset)
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# django-axes: lock a username+address after repeated failed logins.
AXES_FAILURE_LIMIT = env("AXES_FAILURE_LIMIT", 5, cast=int)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env("AXES_ENABLED", True, cast=bool)
# Behind reverse proxies: how many (nginx in front: 1). The lockout and the rate limits then key on the address the
# outermost trusted proxy saw (X-Forwarded-For counted from the right), not on the proxy's.
PARKOS_TRUSTED_PROXIES = env("PARKOS_TRUSTED_PROXIES", 0, cast=int)
AXES_CLIENT_IP_CALLABLE = "parkos.core.security.client_ip"
# Rate limits (django-ratelimit, counted in the default cache — Redis in production): login posts per address, API
# calls per token / user / address.
PARKOS_RATE_LOGIN = env("PARKOS_RATE_LOGIN", "30/m")
PARKOS_RATE_API = env("PARKOS_RATE_API", "1200/m")
RATELIMIT_ENABLE = env("PARKOS_RATELIMIT", True, cast=bool)
RATELIMIT_IP_META_KEY = "parkos.core.security.client_ip"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if PARKOS_ENV == "test"
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = PARKOS_ENV != "production"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
ATTACHMENT_MAX_BYTES = int(env("PARKOS_ATTACHMENT_MAX_MB", "20")) * 1024 * 1024  # one attached file
# where nginx serves MEDIA_ROOT to internal redirects only (`location /protected-media/ { internal; alias …; }`):
# set, the attachment view checks the record's scope and answers with X-Accel-Redirect, and nginx sends the bytes
FILES_ACCEL_PREFIX = env("PARKOS_FILES_ACCEL", "")
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024

REDIS_URL = env("REDIS_URL", None)

# Mail (the inbox's daily digest): EMAIL_HOST set means mail is sent; otherwise the digest is a page.
EMAIL_HOST = env("EMAIL_HOST", "")
PARKOS_MAIL_ENABLED = bool(EMAIL_HOST) or PARKOS_ENV == "test"
EMAIL_PORT = env("EMAIL_PORT", 25, cast=int)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env("EMAIL_USE_TLS", False, cast=bool)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "parkos@localhost")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "parkos.core.cache.RedisCache", "LOCATION": REDIS_URL}}
elif PARKOS_ENV == "test":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
        }
    }

# Background work: django-tasks with its database backend; run `parkos db_worker` beside the web server.
# Tests run tasks immediately.
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if PARKOS_ENV == "test" or env("PARKOS_TASKS_IMMEDIATE", False, cast=bool)
        else "django_tasks_db.DatabaseBackend"
    }
}

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
if PRODUCTION:
    SECURE_SSL_REDIRECT = env("SECURE_SSL_REDIRECT", True, cast=bool)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env("SECURE_HSTS_SECONDS", 31536000, cast=int)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Logs: one JSON object a line in production (PARKOS_LOG_FORMAT=json), plain text elsewhere.
LOG_FORMAT = env("PARKOS_LOG_FORMAT", "json" if PRODUCTION else "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "parkos.core.logs.JsonFormatter"},
        "text": {"format": "%(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
    "loggers": {"parkos": {"level": env("PARKOS_LOG_LEVEL", "INFO"), "propagate": True}},
}

# The worker (`parkos worker`): the daily jobs' time of day, and whether /healthz asks for its heartbeat.
PARKOS_DAILY_AT = env("PARKOS_DAILY_AT", "02:30")
PARKOS_EXPECT_WORKER = env("PARKOS_EXPECT_WORKER", PRODUCTION, cast=bool)

PARKOS_PAGE_SIZE = 25
