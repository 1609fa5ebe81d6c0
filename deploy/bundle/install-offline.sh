#!/usr/bin/env bash
# Install the OSINT Investigations Lab from this offline bundle: no internet is used.
#
#   sudo ./install-offline.sh                    # installs into /opt/osintlab
#   sudo ./install-offline.sh --prefix /srv/lab  # or another folder
#
# What it does, in order (it stops at the first problem and says what to do):
#   1. checks every file of the bundle against SHA256SUMS, and that no file was added;
#   2. checks that this server's Python matches the one the bundle was built for;
#   3. makes PREFIX/venv and installs every pinned package from wheels/ (pip --no-index);
#   4. installs the hub's proxy into PREFIX/proxy from proxy/ (npm --offline);
#   5. copies the curriculum to PREFIX/course.
set -euo pipefail

PREFIX=/opt/osintlab
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) PREFIX="${2:?--prefix needs a folder}"; shift 2 ;;
    --prefix=*) PREFIX="${1#--prefix=}"; shift ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install-offline.sh: unknown option '$1' (use --prefix FOLDER)" >&2; exit 2 ;;
  esac
done
BUNDLE="$(cd "$(dirname "$0")" && pwd)"
PREFIX="$(mkdir -p "$PREFIX" && cd "$PREFIX" && pwd)"
say() { printf 'install-offline: %s\n' "$*"; }
refuse() { printf 'install-offline: %s\n' "$*" >&2; exit 1; }

# 1. Integrity: nothing changed, nothing missing, nothing added.
cd "$BUNDLE"
[ -f SHA256SUMS ] || refuse "SHA256SUMS is missing from $BUNDLE, so the bundle cannot be \
checked. Nothing was installed. Copy the whole bundle again (or unpack osintlab-bundle.tar.gz)."
if ! report="$(sha256sum --strict --quiet -c SHA256SUMS 2>&1)"; then
  refuse "The bundle is damaged or was changed after it was built; nothing was installed.
These files do not match SHA256SUMS:
$report
Copy the bundle again from where it was built (or unpack osintlab-bundle.tar.gz again) and
run this script again. Do not edit files inside the bundle."
fi
added="$(comm -13 <(sed 's/^[0-9a-f]*  //' SHA256SUMS | sort) \
                  <(find . -type f ! -name SHA256SUMS -printf '%P\n' | sort))"
if [ -n "$added" ]; then
  refuse "The bundle holds files that were not in it when it was built; nothing was installed:
$added
Remove them, or copy the bundle again from where it was built."
fi
say "all $(wc -l < SHA256SUMS) files match SHA256SUMS"

# 2. The wheels fit one Python version and platform.
command -v python3 >/dev/null || refuse "python3 is not installed. Install Python \
$(sed -n 's/.*"python": "\(.*\)".*/\1/p' BUNDLE.json) from the Debian/Ubuntu installation media."
want="$(python3 -c 'import json; b = json.load(open("BUNDLE.json")); print(b["python"], b["platform"])')"
have="$(python3 -c 'import platform, sys
print(f"{sys.version_info.major}.{sys.version_info.minor}", f"{platform.system().lower()}-{platform.machine()}")')"
[ "$want" = "$have" ] || refuse "This bundle was built for Python/platform '$want' but this \
server has '$have'. Build the bundle on a machine like this server (make bundle), or install \
that Python version."

# 3. Python packages, from wheels/ only: no index, no other folder, no pip configuration.
export PIP_CONFIG_FILE=/dev/null PIP_NO_INDEX=1 PIP_DISABLE_PIP_VERSION_CHECK=1
unset PIP_FIND_LINKS PIP_EXTRA_INDEX_URL PIP_CONSTRAINT PIP_REQUIRE_VIRTUALENV
say "creating $PREFIX/venv"
python3 -m venv "$PREFIX/venv" || refuse "Could not create a virtual environment. Install \
python3-venv (Debian/Ubuntu: apt-get install python3-venv, from the installation media)."
say "installing $(grep -c '==' requirements.lock) pinned packages from wheels/"
"$PREFIX/venv/bin/python" -m pip install --quiet --no-index --find-links "$BUNDLE/wheels" \
  --requirement "$BUNDLE/requirements.lock"
"$PREFIX/venv/bin/python" -m pip install --quiet --no-index --no-deps "$BUNDLE"/wheels/osintlab-*.whl

# Trainees type dig in m05 lesson 03 (the classroom's DNS); everything else works without it.
command -v dig >/dev/null || say "note: dig is not installed; m05 lesson 03 asks trainees to \
run it (Debian/Ubuntu: apt-get install dnsutils, from the installation media)"

# 4. The proxy: one npm tarball that carries its dependencies, so npm needs no registry.
command -v npm >/dev/null || refuse "npm is not installed; the hub's proxy needs Node.js. \
Install nodejs and npm (Debian/Ubuntu: apt-get install nodejs npm) and run this script again."
tarball="$(ls "$BUNDLE"/proxy/osintlab-classroom-proxy-*.tgz)"
cache="$(mktemp -d)"
trap 'rm -rf "$cache"' EXIT
say "installing the proxy from $(basename "$tarball") into $PREFIX/proxy"
mkdir -p "$PREFIX/proxy"
npm install --offline --no-audit --no-fund --loglevel=error --cache "$cache" \
  --prefix "$PREFIX/proxy" "$tarball" >/dev/null

# 5. The curriculum.
rm -rf "$PREFIX/course.new"
cp -a "$BUNDLE/course" "$PREFIX/course.new"
rm -rf "$PREFIX/course"
mv "$PREFIX/course.new" "$PREFIX/course"

say "done: $("$PREFIX/venv/bin/osintlab" --version)"
say "  Python packages  $PREFIX/venv"
say "  proxy            $PREFIX/proxy/node_modules/.bin/configurable-http-proxy"
say "  curriculum       $PREFIX/course"
say "next: set up the classroom hub as in $PREFIX/course/deploy/README.md"
