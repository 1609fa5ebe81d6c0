#!/bin/sh
# Install and start the classroom JupyterHub on a fresh Debian or Ubuntu server.
#
#   sudo deploy/install.sh roster.csv
#   sudo deploy/install.sh roster.csv --proxy /opt/osintlab/proxy/node_modules/.bin/configurable-http-proxy
#
# Run from the course repository. It installs the system packages, copies the repository to
# /opt/osintlab, makes its Python environment from requirements.lock and the proxy from
# deploy/package-lock.json, creates everyone's account from the roster, and starts the hub
# as the systemd service osintlab-hub (port 8000). Safe to run again after a roster change.
# --proxy FILE uses a proxy already installed (the offline bundle's) instead of npm.
set -eu
USAGE="usage: sudo deploy/install.sh ROSTER.csv [--proxy FILE] (roster columns: username,full_name,role,language)"
ROSTER=${1:?"$USAGE"}
shift
PROXY=""
while [ $# -gt 0 ]; do
  case "$1" in
    --proxy) PROXY="${2:?--proxy needs the configurable-http-proxy file}"; shift 2 ;;
    --proxy=*) PROXY="${1#--proxy=}"; shift ;;
    *) echo "install.sh: unknown option '$1'. $USAGE" >&2; exit 2 ;;
  esac
done
if [ -n "$PROXY" ] && [ ! -x "$PROXY" ]; then
  echo "install.sh: no proxy at $PROXY. After the offline bundle's install-offline.sh it is \
PREFIX/proxy/node_modules/.bin/configurable-http-proxy (PREFIX: /opt/osintlab by default)." >&2
  exit 1
fi
[ "$(id -u)" = 0 ] || { echo "Run as root: sudo deploy/install.sh $ROSTER" >&2; exit 1; }
SOURCE=$(cd "$(dirname "$0")/.." && pwd)
TARGET=/opt/osintlab

echo "== system packages"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  python3 python3-venv nodejs npm make git rsync bubblewrap dnsutils >/dev/null

echo "== course repository in $TARGET"
mkdir -p "$TARGET"
# never .git or build/: they hold the exercises' model answers, and the copy is world-readable
rsync -a --delete --exclude .venv --exclude node_modules --exclude workspace \
  --exclude courses --exclude .git --exclude /build --exclude /test-artifacts \
  --exclude /bench/work "$SOURCE/" "$TARGET/"
cd "$TARGET"
python3 -m venv .venv
.venv/bin/python -m pip install --quiet -r requirements.lock
.venv/bin/python -m pip install --quiet --no-deps -e .
if [ -z "$PROXY" ]; then
  npm ci --prefix deploy --no-audit --no-fund
fi
chmod -R a+rX "$TARGET"   # everyone runs the Python; notebooks/ and grading/ are locked below

echo "== settings and accounts"
mkdir -p /etc/osintlab
install -m 0640 "$ROSTER" /etc/osintlab/roster.csv
if [ ! -f /etc/osintlab/classroom.yml ]; then
  sed -e "s#^roster: .*#roster: /etc/osintlab/roster.csv#" \
      -e "s#^course_repository: .*#course_repository: $TARGET#" \
      deploy/classroom.yml > /etc/osintlab/classroom.yml
fi
if [ -n "$PROXY" ]; then   # the `proxy` setting: which configurable-http-proxy the hub starts
  sed -i -e "s#^proxy: .*#proxy: $PROXY#" /etc/osintlab/classroom.yml
  grep -q "^proxy: " /etc/osintlab/classroom.yml || echo "proxy: $PROXY" >> /etc/osintlab/classroom.yml
fi
export OSINTLAB_CLASSROOM=/etc/osintlab/classroom.yml
.venv/bin/osintlab classroom check
.venv/bin/osintlab classroom users /etc/osintlab/roster.csv

echo "== service"
mkdir -p /var/lib/osintlab
install -m 0644 deploy/osintlab-hub.service /etc/systemd/system/osintlab-hub.service
systemctl daemon-reload
systemctl enable --now osintlab-hub
systemctl restart osintlab-hub
echo "The classroom is at http://$(hostname -I | cut -d' ' -f1):8000 (each person sets a password at first login)."
