#!/usr/bin/env bash
# Install everything, load the demo data and start Trepart on http://127.0.0.1:8000.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# A local demo over plain HTTP: no HTTPS redirect or secure-only cookies.
export TREPART_HTTPS=${TREPART_HTTPS:-false}
.venv/bin/trepart demo
exec .venv/bin/trepart serve --host 127.0.0.1 --port 8000
