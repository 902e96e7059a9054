# Kramfors styr: the production image. gunicorn serves the app on port 8000;
# configuration comes from the environment (see .env.example and the README).
#
# BASE is any Debian-based image. The official Python images bring Python;
# a plain Debian image (e.g. one made with debootstrap) gets Debian's python3.
ARG BASE=python:3.12-slim-bookworm
FROM ${BASE}

# PIP_CERT_PATH: optional CA bundle for pip, for a network whose HTTPS is
# signed by its own CA. The bundle is mounted at build time only, at a path of
# its own (buildah/podman: -v HOST_BUNDLE:/run/host-ca/ca-certificates.crt:ro;
# docker: --secret id=host-ca,src=HOST_BUNDLE and PIP_CERT_PATH=/run/secrets/host-ca).
ARG PIP_CERT_PATH=

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH

RUN set -eu; \
    if ! command -v python3 >/dev/null 2>&1 || ! python3 -c 'import venv, ensurepip' 2>/dev/null; then \
        apt-get update -q; \
        DEBIAN_FRONTEND=noninteractive apt-get install -q -y --no-install-recommends \
            python3 python3-venv ca-certificates; \
        rm -rf /var/lib/apt/lists/*; \
    fi; \
    # WeasyPrint, which makes the reports' PDF, draws text with Pango; the
    # Liberation fonts are the reports' typeface.
    apt-get update -q; \
    DEBIAN_FRONTEND=noninteractive apt-get install -q -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 fonts-liberation; \
    rm -rf /var/lib/apt/lists/*; \
    python3 -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "Kramfors styr needs Python 3.12 or newer; the base image has " + sys.version.split()[0])'; \
    python3 -m venv /opt/venv; \
    groupadd --gid 10001 styr; \
    useradd --uid 10001 --gid styr --home-dir /app --no-create-home --no-log-init \
        --shell /usr/sbin/nologin styr

WORKDIR /app

# Dependencies first, read from pyproject.toml, so that a change to the code
# alone reuses this layer. The app runs from /app and is not installed itself:
# its settings find templates, static files and translations beside the code.
COPY pyproject.toml ./
RUN --mount=type=secret,id=host-ca,required=false \
    set -eu; \
    if [ -n "$PIP_CERT_PATH" ]; then export PIP_CERT="$PIP_CERT_PATH"; fi; \
    python -c 'import tomllib; print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]))' \
        > /tmp/requirements.txt; \
    pip install --requirement /tmp/requirements.txt; \
    rm /tmp/requirements.txt

COPY . .

# The key below exists for this one command and is not kept in the image.
RUN set -eu; \
    SECRET_KEY=collectstatic-only DEBUG=0 DATABASE_URL= \
        python manage.py collectstatic --noinput --verbosity 0; \
    chmod 0755 scripts/container-entrypoint.sh scripts/container-healthcheck.py; \
    mkdir -p /app/data; \
    chown styr:styr /app/data

# The SQLite file, when DATABASE_URL is unset, lives here (SQLITE_PATH overrides).
VOLUME ["/app/data"]

USER 10001:10001
# gunicorn reads both: it binds 0.0.0.0:$PORT and starts $WEB_CONCURRENCY workers.
ENV PORT=8000 \
    WEB_CONCURRENCY=2
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "/app/scripts/container-healthcheck.py"]

# The entrypoint runs migrate when MIGRATE=1 and load_demo when LOAD_DEMO=1,
# then the command.
ENTRYPOINT ["/app/scripts/container-entrypoint.sh"]
CMD ["gunicorn", "kramfors_styr.wsgi", "--access-logfile", "-", "--worker-tmp-dir", "/dev/shm", "--no-control-socket"]
