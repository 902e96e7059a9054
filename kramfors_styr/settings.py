"""Settings for Kramfors styr, read from the environment.

Every variable is documented in `.env.example`. Nothing unsafe is assumed:
DEBUG is off unless set, and with DEBUG off a SECRET_KEY must be given.
"""

import datetime
import re
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from kramfors_styr.env import (
    env_bool,
    env_email,
    env_int,
    env_list,
    env_role_map,
    env_str,
    url_origin,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off. "
            "Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    # Only for local development with DEBUG on; never used in production.
    SECRET_KEY = "insecure-development-key-only-used-when-DEBUG-is-on"

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "mptt",
    "simple_history",
    "axes",
    "accounts",
    "goals",
    "followup",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its own answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kramfors_styr.urls"
WSGI_APPLICATION = "kramfors_styr.wsgi.application"

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
                "kramfors_styr.context_processors.site",
            ],
        },
    },
]

# DATABASE_URL selects PostgreSQL (postgres://user:pass@host:5432/name);
# unset, an embedded SQLite file is used, the default for trying it out.
_database_url = env_str("DATABASE_URL")
if _database_url:
    try:
        _database = dj_database_url.parse(_database_url, conn_max_age=env_int("CONN_MAX_AGE", 60))
    except ValueError as error:
        raise ImproperlyConfigured(f"DATABASE_URL is not valid: {error}") from None
    if _database["ENGINE"] == "django.db.backends.postgresql":
        _database["CONN_HEALTH_CHECKS"] = True
        # Every query of a page is short: starting parallel workers for one
        # costs more than it saves, and takes the cores other requests need
        # (docs/performance.md). DB_PARALLEL_WORKERS > 0 allows them again.
        _options = _database.setdefault("OPTIONS", {})
        _options["options"] = (
            f"{_options.get('options', '')} -c max_parallel_workers_per_gather="
            f"{env_int('DB_PARALLEL_WORKERS', 0)}"
        ).strip()
        # Parameters sent apart from the query text, and a query the connection
        # has run five times prepared: PostgreSQL then skips parsing and
        # planning it again. A page runs the same dozen queries every time;
        # this takes about a quarter off a goal's page (docs/performance.md).
        # Off (DB_PREPARED_STATEMENTS=0) behind a connection pooler that cannot
        # keep prepared statements; Django's default is off.
        if env_bool("DB_PREPARED_STATEMENTS", default=True):
            _options["server_side_binding"] = True
            _options["prepare_threshold"] = 5
else:
    _sqlite_path = Path(env_str("SQLITE_PATH") or BASE_DIR / "data" / "kramfors_styr.sqlite3")
    _sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    _database = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": _sqlite_path,
        # IMMEDIATE takes the write lock when a transaction begins, so two
        # writers queue instead of failing halfway through a tree update.
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
    }
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # Counts failed logins and refuses further attempts for a while (in the
    # database, so every process sees the same count).
    "axes.backends.AxesStandaloneBackend",
    # Django's, refusing the demo accounts unless DEMO is on.
    "accounts.auth.AccountBackend",
]

# The demo: its accounts (made by `load_demo`, password "demo") may log in only
# while this is on. Independent of DEBUG; `manage.py check --deploy` reports
# demo accounts in a database that runs with DEMO off.
DEMO = env_bool("DEMO", default=False)

# How many proxies in front of the site add themselves to X-Forwarded-For
# (a TLS proxy or load balancer: 1). The client's address, which login
# throttling and the password-reset limit count by, is then read from that
# header through exactly so many proxies; with 0 the header is ignored, since
# anyone can send it. See accounts.auth.client_address.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT cannot be negative.")
AXES_CLIENT_IP_CALLABLE = "accounts.auth.client_address"
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# Password reset: at most so many mails per e-mail address, and requests per
# client address, within the window (counted in the database, by every process).
PASSWORD_RESET_LIMIT_PER_EMAIL = env_int("PASSWORD_RESET_LIMIT_PER_EMAIL", 3)
PASSWORD_RESET_LIMIT_PER_CLIENT = env_int("PASSWORD_RESET_LIMIT_PER_CLIENT", 10)
PASSWORD_RESET_WINDOW = datetime.timedelta(minutes=env_int("PASSWORD_RESET_WINDOW_MINUTES", 60))
if min(PASSWORD_RESET_LIMIT_PER_EMAIL, PASSWORD_RESET_LIMIT_PER_CLIENT) < 1:
    raise ImproperlyConfigured("The PASSWORD_RESET_LIMIT_* settings must be at least 1.")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
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

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "followup:start"
LOGOUT_REDIRECT_URL = "followup:start"

# The municipality this instance serves: its name is data, shown in the header.
MUNICIPALITY_NAME = env_str("MUNICIPALITY_NAME", "Kramfors kommun")

# Residents may read published follow-up without logging in when this is on.
PUBLIC_ACCESS = env_bool("PUBLIC_ACCESS", default=False)

# Before a period is published, logged-in readers who do not edit a committee's
# follow-up (councillors; secretaries for other committees) see its assessments
# only once the committee has approved its part. Off: they see everything.
APPROVED_ONLY_BEFORE_PUBLICATION = env_bool("APPROVED_ONLY_BEFORE_PUBLICATION", default=False)

# A follow-up period is closed for input after its deadline day, in every
# process, read from the stored date; `manage.py close_periods` (daily) records
# the closing in the period's history. Off: periods close only by hand.
PERIODS_CLOSE_AT_DEADLINE = env_bool("PERIODS_CLOSE_AT_DEADLINE", default=True)

# The municipality's id in Kolada (its four-digit municipality code): an import
# of Kolada data stores the values for this municipality and skips the rest.
KOLADA_MUNICIPALITY_ID = env_str("KOLADA_MUNICIPALITY_ID", "2282")
if not re.fullmatch(r"[0-9]{4}", KOLADA_MUNICIPALITY_ID):
    raise ImproperlyConfigured(
        f"KOLADA_MUNICIPALITY_ID must be a four-digit municipality code such as 2282, "
        f"not {KOLADA_MUNICIPALITY_ID!r}."
    )

# The unit the balance requirement statement is entered and shown in: "kr"
# (whole kronor) or "tkr" (thousands of kronor). Amounts are stored in kronor,
# so changing this changes only how they are typed and shown.
BALANCE_UNIT = env_str("BALANCE_UNIT", "tkr")
if BALANCE_UNIT not in ("kr", "tkr"):
    raise ImproperlyConfigured(f'BALANCE_UNIT must be "kr" or "tkr", not {BALANCE_UNIT!r}.')

# What the municipality's Kolada figures are compared with: areas whose own
# value is shown (the whole country 0000, Kolada municipality groups such as
# G124000), and similar municipalities whose mean and rank are shown. The
# default list is one of similar municipalities for the default id 2282.
KOLADA_COMPARISON_AREAS = env_list("KOLADA_COMPARISON_AREAS", default=["0000"])
KOLADA_SIMILAR_MUNICIPALITIES = env_list(
    "KOLADA_SIMILAR_MUNICIPALITIES", default=["2283", "2260", "2161", "2313"]
)
for _area in KOLADA_COMPARISON_AREAS:
    if not re.fullmatch(r"[0-9]{4}|G[0-9]{1,10}", _area):
        raise ImproperlyConfigured(
            f"KOLADA_COMPARISON_AREAS must list municipality codes such as 0000 or "
            f"Kolada group ids such as G124000, not {_area!r}."
        )
for _area in KOLADA_SIMILAR_MUNICIPALITIES:
    if not re.fullmatch(r"[0-9]{4}", _area):
        raise ImproperlyConfigured(
            f"KOLADA_SIMILAR_MUNICIPALITIES must list four-digit municipality codes, not {_area!r}."
        )
# `import_kolada --fetch` asks this API politely: at most one request per
# KOLADA_FETCH_DELAY seconds, naming itself, retrying 429 and 5xx answers.
KOLADA_API_URL = env_str("KOLADA_API_URL", "https://api.kolada.se/v3/")
if not re.fullmatch(r"https?://[^\s]+/", KOLADA_API_URL):
    raise ImproperlyConfigured(
        f"KOLADA_API_URL must be an http(s) address ending in /, not {KOLADA_API_URL!r}."
    )
KOLADA_FETCH_DELAY = env_int("KOLADA_FETCH_DELAY_MS", 1000) / 1000
KOLADA_FETCH_RETRIES = env_int("KOLADA_FETCH_RETRIES", 3)
if KOLADA_FETCH_DELAY < 0 or KOLADA_FETCH_RETRIES < 0:
    raise ImproperlyConfigured("KOLADA_FETCH_DELAY_MS and KOLADA_FETCH_RETRIES cannot be negative.")
KOLADA_USER_AGENT = env_str("KOLADA_USER_AGENT", "kramfors-styr (goal follow-up; Kolada import)")

# Reminders go to committee secretaries this many days before a period's
# deadline (comma-separated), by `manage.py send_reminders` run daily.
try:
    REMINDER_DAYS_BEFORE = sorted(
        {int(day) for day in env_list("REMINDER_DAYS_BEFORE", default=["7", "1"])}, reverse=True
    )
except ValueError:
    raise ImproperlyConfigured(
        "REMINDER_DAYS_BEFORE must be whole numbers separated by commas."
    ) from None

# Indicators (nyckeltal): an outcome that misses its target by at most this
# many percent of the target's absolute value is "partly met"; a larger miss is
# "not met". With a target of 0 any miss is "not met". See followup/indicators.py.
INDICATOR_PARTLY_MET_MARGIN = env_int("INDICATOR_PARTLY_MET_MARGIN", 10)
if not 0 <= INDICATOR_PARTLY_MET_MARGIN <= 100:
    raise ImproperlyConfigured("INDICATOR_PARTLY_MET_MARGIN must be a percentage from 0 to 100.")

# The status suggested for a goal from its children's statuses and its
# indicators' (followup/rollup.py defines each rule exactly):
# - share_met: met when at least GOAL_SUGGESTION_MET_PERCENT of what is assessed
#   is met; partly met when at least GOAL_SUGGESTION_PARTLY_PERCENT is met or
#   partly met; otherwise not met;
# - threshold: met counts 1, partly met 1/2, not met 0; met when the average is
#   at least GOAL_SUGGESTION_MET_PERCENT, partly met when at least
#   GOAL_SUGGESTION_PARTLY_PERCENT; otherwise not met;
# - weakest_link: the worst status among them.
GOAL_SUGGESTION_RULES = ("share_met", "threshold", "weakest_link")
GOAL_SUGGESTION_RULE = env_str("GOAL_SUGGESTION_RULE", "share_met") or "share_met"
if GOAL_SUGGESTION_RULE not in GOAL_SUGGESTION_RULES:
    raise ImproperlyConfigured(
        f"GOAL_SUGGESTION_RULE must be one of {', '.join(GOAL_SUGGESTION_RULES)}, "
        f"not {GOAL_SUGGESTION_RULE!r}."
    )
GOAL_SUGGESTION_MET_PERCENT = env_int("GOAL_SUGGESTION_MET_PERCENT", 75)
GOAL_SUGGESTION_PARTLY_PERCENT = env_int("GOAL_SUGGESTION_PARTLY_PERCENT", 50)
if not 0 <= GOAL_SUGGESTION_PARTLY_PERCENT <= GOAL_SUGGESTION_MET_PERCENT <= 100:
    raise ImproperlyConfigured(
        "GOAL_SUGGESTION_PARTLY_PERCENT and GOAL_SUGGESTION_MET_PERCENT must be percentages "
        "with 0 <= GOAL_SUGGESTION_PARTLY_PERCENT <= GOAL_SUGGESTION_MET_PERCENT <= 100."
    )

# A goal's node page shows its status in at most this many earlier plan years,
# following the chain of copies back from year to year.
EARLIER_YEARS_SHOWN = env_int("EARLIER_YEARS_SHOWN", 10)
if EARLIER_YEARS_SHOWN < 0:
    raise ImproperlyConfigured("EARLIER_YEARS_SHOWN cannot be negative.")

# E-mail: printed to the console in development; in production SMTP, by
# default to a mail server on localhost.
_mail_backend = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
_mail_options: dict[str, object] = {}
if _mail_backend.endswith("smtp.EmailBackend"):
    _mail_options = {
        "host": env_str("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 25),
        "username": env_str("EMAIL_HOST_USER"),
        "password": env_str("EMAIL_HOST_PASSWORD"),
        "use_tls": env_bool("EMAIL_USE_TLS", default=False),
    }
MAILERS = {"default": {"BACKEND": _mail_backend, "OPTIONS": _mail_options}}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "styr@localhost")
# Absolute address of the site, for links in e-mails sent outside a request.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- Security -----------------------------------------------------------------
# Production (DEBUG off) is HTTPS only: redirect, secure cookies, HSTS. Behind a
# proxy that terminates TLS, set TRUST_X_FORWARDED_PROTO=1. For a local run
# over plain HTTP with DEBUG off (load tests, the container check), set
# SECURE_SSL_REDIRECT=0 and SECURE_COOKIES=0.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
if env_bool("TRUST_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Django's built-in Content-Security-Policy: nothing inline, nothing foreign.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
# Request bodies: a follow-up entry page posts three fields per goal, so the
# field count is generous; anything larger than 10 MB is refused.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 60_000
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Where visitors report accessibility problems, named in the accessibility
# statement (/tillganglighet/) as the law on accessible digital public service requires.
ACCESSIBILITY_CONTACT_EMAIL = env_email("ACCESSIBILITY_CONTACT_EMAIL")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# --- Single sign-on (OpenID Connect) and local login ---------------------------
# Single sign-on with the municipality's own accounts is on when OIDC_ISSUER is
# set (README, "Single sign-on", gives the values for Entra ID and Keycloak).
# The provider's endpoints are read from its discovery document
# (sso/provider.py) unless given one by one below.

# Exactly as the provider writes it in its tokens ("iss"), trailing slash and all.
OIDC_ISSUER = env_str("OIDC_ISSUER")
SSO_ENABLED = bool(OIDC_ISSUER)
OIDC_RP_CLIENT_ID = env_str("OIDC_RP_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = env_str("OIDC_RP_CLIENT_SECRET")
if SSO_ENABLED and not OIDC_RP_CLIENT_ID:
    raise ImproperlyConfigured("OIDC_RP_CLIENT_ID must be set when OIDC_ISSUER is.")
OIDC_DISCOVERY_URL = env_str("OIDC_DISCOVERY_URL") or (
    f"{OIDC_ISSUER.rstrip('/')}/.well-known/openid-configuration" if SSO_ENABLED else ""
)
# Each of these, when set, is used instead of the discovery document's.
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_OP_AUTHORIZATION_ENDPOINT")
OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_OP_TOKEN_ENDPOINT")
OIDC_OP_USER_ENDPOINT = env_str("OIDC_OP_USER_ENDPOINT")
OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_OP_JWKS_ENDPOINT")
OIDC_OP_LOGOUT_ENDPOINT = env_str("OIDC_OP_LOGOUT_ENDPOINT")
OIDC_RP_SCOPES = env_str("OIDC_RP_SCOPES", "openid email profile") or "openid email profile"
if "openid" not in OIDC_RP_SCOPES.split():
    raise ImproperlyConfigured("OIDC_RP_SCOPES must include openid.")
OIDC_RP_SIGN_ALGO = env_str("OIDC_RP_SIGN_ALGO", "RS256") or "RS256"
_SIGNING_ALGORITHMS = {"RS256", "RS384", "RS512", "ES256", "ES384", "ES512"}
if OIDC_RP_SIGN_ALGO not in _SIGNING_ALGORITHMS:
    raise ImproperlyConfigured(
        f"OIDC_RP_SIGN_ALGO must be one of {', '.join(sorted(_SIGNING_ALGORITHMS))}, "
        f"not {OIDC_RP_SIGN_ALGO!r}."
    )
# The authorization code flow with PKCE, state and nonce: not to be turned off.
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT", 10)
if OIDC_TIMEOUT < 1:
    raise ImproperlyConfigured("OIDC_TIMEOUT must be at least one second.")
OIDC_GROUPS_CLAIM = env_str("OIDC_GROUPS_CLAIM", "groups") or "groups"
OIDC_USERNAME_CLAIM = env_str("OIDC_USERNAME_CLAIM", "preferred_username") or "preferred_username"
OIDC_ROLE_MAP = env_role_map("OIDC_ROLE_MAP")
# Users are created at their first single sign-on, if the directory gives them a role.
OIDC_CREATE_USER = env_bool("OIDC_CREATE_USER", default=True)
# The button says "Logga in med <OIDC_LOGIN_LABEL>".
OIDC_LOGIN_LABEL = env_str("OIDC_LOGIN_LABEL")
# Logging out also ends the session at the provider, where it offers that.
OIDC_PROVIDER_LOGOUT = env_bool("OIDC_PROVIDER_LOGOUT", default=True)
# Where the provider sends the browser back (mozilla-django-oidc's setting).
OIDC_AUTHENTICATION_CALLBACK_URL = "sso:callback"


if SSO_ENABLED and OIDC_PROVIDER_LOGOUT:
    # The logout button posts a form here, answered with a redirect to the
    # provider's logout: browsers hold that redirect to the page's form-action.
    SECURE_CSP["form-action"] = [
        *SECURE_CSP["form-action"],
        url_origin(OIDC_OP_LOGOUT_ENDPOINT or OIDC_ISSUER),
    ]

# Logging in with a user name and password. LOCAL_LOGIN=0 (only with single
# sign-on) removes the password form; BREAK_GLASS_LOGIN=1 then still lets
# superusers log in with a password at /konto/nodinloggning/, for when the
# provider is down.
LOCAL_LOGIN = env_bool("LOCAL_LOGIN", default=True)
BREAK_GLASS_LOGIN = env_bool("BREAK_GLASS_LOGIN", default=False)
if not LOCAL_LOGIN and not SSO_ENABLED:
    raise ImproperlyConfigured(
        "LOCAL_LOGIN=0 needs single sign-on (OIDC_ISSUER): else nobody can log in."
    )
# The password backend also asks LOCAL_LOGIN and BREAK_GLASS_LOGIN at each
# login; the single sign-on backend takes no password.
AUTHENTICATION_BACKENDS = [
    "sso.backends.PasswordBackend" if backend == "accounts.auth.AccountBackend" else backend
    for backend in AUTHENTICATION_BACKENDS
]
AUTHENTICATION_BACKENDS.append("sso.backends.DirectoryBackend")
INSTALLED_APPS.append("sso")
