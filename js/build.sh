#!/usr/bin/env bash
# Rebuild contacts_lib/autodiagnostic/static/plotly-radar.min.js (committed: the app and Binder need no Node.js).
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund
npm run build
