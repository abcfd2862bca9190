#!/usr/bin/env bash
# Install or refresh everything Trepart needs on a fresh machine: the virtual environment .venv
# (Trepart and its development tools), the front-end assets from the npm registry, and the
# compiled translations. Safe to run again; it only refreshes what is there.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# System packages this kind of machine may lack (root installs them; others are told what is missing).
need_apt=()
command -v msgfmt >/dev/null 2>&1 || need_apt+=(gettext)
if [ "${TREPART_SETUP_TEST:-0}" = 1 ]; then
  [ -x /usr/bin/chromium ] || need_apt+=(chromium)
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
  command -v pdftoppm >/dev/null 2>&1 || need_apt+=(poppler-utils)
  command -v java >/dev/null 2>&1 || need_apt+=(default-jre-headless)  # Spark (local mode) tests
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    log "Installing Debian packages: ${need_apt[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  else
    echo "Missing Debian packages: ${need_apt[*]} (install them with apt-get as root)" >&2
    exit 1
  fi
fi

PYTHON=${PYTHON:-$(command -v python3.11 || command -v python3)}
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
  echo "Trepart needs Python 3.11; $PYTHON is $("$PYTHON" --version 2>&1)" >&2
  exit 1
fi
if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
  log "Creating .venv"
  rm -rf .venv
  "$PYTHON" -m venv .venv
fi
log "Installing Trepart into .venv"
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"

log "Installing front-end assets from the npm registry"
npm ci --no-audit --no-fund --loglevel=error
vendor=src/trepart/static/vendor
rm -rf "$vendor"
mkdir -p "$vendor/designsystemet" "$vendor/htmx" "$vendor/inter"
cp node_modules/@digdir/designsystemet-css/dist/src/index.css "$vendor/designsystemet/designsystemet.css"
cp node_modules/@digdir/designsystemet-css/dist/theme/designsystemet.css "$vendor/designsystemet/theme.css"
cp node_modules/@digdir/designsystemet-css/LICENSE "$vendor/designsystemet/LICENSE"
cp node_modules/htmx.org/dist/htmx.min.js "$vendor/htmx/htmx.min.js"
cp node_modules/htmx.org/LICENSE "$vendor/htmx/LICENSE"
for weight in 400 500 600 700; do
  cp "node_modules/@fontsource/inter/files/inter-latin-$weight-normal.woff2" "$vendor/inter/"
done
cp node_modules/@fontsource/inter/LICENSE "$vendor/inter/LICENSE"

log "Compiling translations"
for po in src/trepart/locale/*/LC_MESSAGES/*.po; do
  [ -e "$po" ] || continue
  msgfmt --check --output-file="${po%.po}.mo" "$po"
done
