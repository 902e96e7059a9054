#!/usr/bin/env bash
# Builds the production image on a plain Debian trixie base (no Python in it),
# runs it with the demo plan year, and checks that it answers: /healthz, and
# this year's röd tråd. Stops and removes the container whatever happens.
#
# Needs root (it installs podman, buildah, runc and debootstrap with apt when
# they are missing) and Debian's mirror and PyPI. The first run takes several
# minutes; later runs reuse the base image and the build's cached layers.
# All traffic goes to 127.0.0.1.
#
# Environment:
#   IMAGE           image to build (default localhost/kramfors-styr)
#   BASE_IMAGE      base image, made with debootstrap when missing
#                   (default localhost/trixie-min)
#   HOST_CA_BUNDLE  CA bundle that pip in the build trusts, when it exists
#                   (default /etc/ssl/certs/ca-certificates.crt)
#   NETWORK         "publish" (-p 127.0.0.1:PORT:8000) or "host"; unset tries
#                   publish and falls back to host when it cannot start
#   TIMEOUT         seconds to wait for /healthz (default 120)
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE=${IMAGE:-localhost/kramfors-styr}
BASE_IMAGE=${BASE_IMAGE:-localhost/trixie-min}
HOST_CA_BUNDLE=${HOST_CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}
NETWORK=${NETWORK:-}
TIMEOUT=${TIMEOUT:-120}
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

PODMAN=(podman --runtime runc --cgroup-manager=cgroupfs)
NAME="kramfors-styr-check-$$"
rootfs=""
container_started=0

step() { echo "== $*"; }

fail() {
  echo "container-check: FAILED: $*" >&2
  exit 1
}

cleanup() {
  if [ "$container_started" = 1 ]; then
    "${PODMAN[@]}" rm --force --volumes "$NAME" >/dev/null 2>&1 || true
  fi
  if [ -n "$rootfs" ]; then
    rm -rf "$rootfs"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

show_logs() {
  echo "-- container logs:" >&2
  "${PODMAN[@]}" logs "$NAME" 2>&1 | tail -n 40 >&2 || true
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# 1. The tools.
missing=()
for tool in podman buildah runc debootstrap curl; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || fail "missing ${missing[*]}; run as root to install them with apt-get"
  step "Installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman buildah runc debootstrap curl \
    >/dev/null || fail "apt-get could not install ${missing[*]}"
fi

# 2. The base image: Debian trixie minbase, which has no Python of its own.
if "${PODMAN[@]}" image exists "$BASE_IMAGE"; then
  step "Base image $BASE_IMAGE exists"
else
  step "Making base image $BASE_IMAGE with debootstrap (minbase trixie)"
  rootfs=$(mktemp -d /var/tmp/trixie-min.XXXXXX)
  debootstrap --variant=minbase trixie "$rootfs" "$DEBIAN_MIRROR" >"$rootfs.log" 2>&1 ||
    { tail -n 20 "$rootfs.log" >&2; fail "debootstrap failed (log: $rootfs.log)"; }
  rm -f "$rootfs.log"
  tar -C "$rootfs" -c . | "${PODMAN[@]}" import - "$BASE_IMAGE" >/dev/null ||
    fail "podman import of the trixie root file system failed"
  rm -rf "$rootfs"
  rootfs=""
fi

# 3. The image.
build_args=(--build-arg "BASE=$BASE_IMAGE")
if [ -r "$HOST_CA_BUNDLE" ]; then
  build_args+=(
    --volume "$HOST_CA_BUNDLE:/run/host-ca/ca-certificates.crt:ro"
    --build-arg PIP_CERT_PATH=/run/host-ca/ca-certificates.crt
  )
fi
step "Building $IMAGE on $BASE_IMAGE"
previous=$("${PODMAN[@]}" image inspect --format '{{.Id}}' "$IMAGE" 2>/dev/null || true)
buildah bud --isolation chroot --format docker --layers "${build_args[@]}" --tag "$IMAGE" . ||
  fail "buildah could not build the image"
# The image the tag pointed to before is left untagged; remove it, unless in use.
if [ -n "$previous" ] &&
  [ "$previous" != "$("${PODMAN[@]}" image inspect --format '{{.Id}}' "$IMAGE")" ]; then
  "${PODMAN[@]}" rmi "$previous" >/dev/null 2>&1 || true
fi

if "${PODMAN[@]}" image inspect --format '{{range .Config.Env}}{{println .}}{{end}}' "$IMAGE" |
  grep -q '^SECRET_KEY='; then
  fail "the image's environment holds a SECRET_KEY"
fi

# 4. Run it, on SQLite in its data volume, with the demo plan year.
secret_key=$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')

start_container() {
  local mode=$1
  port=$(free_port)
  local network_args=(--publish "127.0.0.1:$port:8000")
  local command=()
  if [ "$mode" = host ]; then
    # On the host's network gunicorn listens on the free port, on loopback only.
    network_args=(--network host --env PORT="$port")
    command=(gunicorn kramfors_styr.wsgi --bind "127.0.0.1:$port" --access-logfile -)
  fi
  step "Starting $NAME ($mode network) on 127.0.0.1:$port"
  container_started=1
  # Without systemd, podman cannot schedule the image's HEALTHCHECK and says
  # so as an error; the check runs it by hand below instead, so that line is
  # dropped.
  "${PODMAN[@]}" run --detach --name "$NAME" \
    --ulimit nofile=1024:1024 --ulimit nproc=4096:4096 \
    "${network_args[@]}" \
    --env SECRET_KEY="$secret_key" \
    --env ALLOWED_HOSTS=127.0.0.1,localhost \
    --env MIGRATE=1 --env LOAD_DEMO=1 \
    --env SECURE_SSL_REDIRECT=0 --env SECURE_COOKIES=0 --env PUBLIC_ACCESS=1 \
    "$IMAGE" "${command[@]}" \
    2> >(grep -v 'unable to get systemd connection' >&2) >/dev/null
}

if [ -n "$NETWORK" ]; then
  start_container "$NETWORK" || fail "podman could not start the container"
elif ! start_container publish; then
  echo "   publishing a port failed; trying the host network" >&2
  "${PODMAN[@]}" rm --force --volumes "$NAME" >/dev/null 2>&1 || true
  start_container host || fail "podman could not start the container"
fi
base_url="http://127.0.0.1:$port"

# 5. Wait for /healthz (migrate and load_demo run first).
step "Waiting for $base_url/healthz (at most ${TIMEOUT}s)"
deadline=$((SECONDS + TIMEOUT))
status=000
while [ "$SECONDS" -lt "$deadline" ]; do
  if [ "$("${PODMAN[@]}" inspect --format '{{.State.Running}}' "$NAME")" != true ]; then
    show_logs
    fail "the container stopped before it answered"
  fi
  status=$(curl --silent --output /dev/null --write-out '%{http_code}' --max-time 5 \
    "$base_url/healthz" || true)
  [ "$status" = 200 ] && break
  sleep 2
done
if [ "$status" != 200 ]; then
  show_logs
  fail "/healthz did not answer 200 within ${TIMEOUT}s (last status: $status)"
fi
echo "   /healthz: 200 $(curl --silent --max-time 5 "$base_url/healthz")"

# 6. The röd tråd of this year's demo plan year.
year=$(TZ=Europe/Stockholm date +%Y)
page=$(mktemp)
status=$(curl --silent --output "$page" --write-out '%{http_code}' --max-time 30 \
  "$base_url/rod-trad/$year/" || true)
if [ "$status" != 200 ]; then
  rm -f "$page"
  show_logs
  fail "/rod-trad/$year/ answered $status, not 200"
fi
if ! grep -q Kramforsbon "$page"; then
  rm -f "$page"
  fail "/rod-trad/$year/ does not mention Kramforsbon"
fi
rm -f "$page"
echo "   /rod-trad/$year/: 200, mentions Kramforsbon"

user=$("${PODMAN[@]}" exec "$NAME" id -u)
[ "$user" != 0 ] || fail "the app runs as root in the container"
echo "   runs as uid $user"

"${PODMAN[@]}" healthcheck run "$NAME" >/dev/null 2>&1 ||
  fail "the image's HEALTHCHECK does not pass"
echo "   HEALTHCHECK: healthy"

echo "container-check: OK ($IMAGE on $BASE_IMAGE)"
