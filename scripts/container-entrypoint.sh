#!/bin/sh
# Entrypoint of the container: optional one-off tasks, then the command
# (gunicorn by default). With several containers on one database, run
# migrate once, e.g. as a one-off container, rather than MIGRATE=1 on each.
set -eu

is_on() {
  case "$(printf '%s' "${1:-}" | tr '[:upper:]' '[:lower:]')" in
    1 | true | yes | on) return 0 ;;
    *) return 1 ;;
  esac
}

if is_on "${MIGRATE:-}"; then
  python /app/manage.py migrate --noinput
fi

# The demo plan year: example data, for trying the image out. Loading it
# again changes nothing.
if is_on "${LOAD_DEMO:-}"; then
  python /app/manage.py load_demo
fi

exec "$@"
