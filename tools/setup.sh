#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# tools/setup.sh: installs what building libwebhooks, its demo and its tests need on a
# Debian 12 machine: Debian packages with apt, and the npm test tools (pinned in
# tools/test-tools/package-lock.json) into tools/test-tools/node_modules.
#
# It asks apt and npm nothing when everything is already there, so that tools/demo.sh and
# tools/test.sh can call it every time. Run it as root (CI does); otherwise it uses sudo
# when it has to install something.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
test_tools="$root/tools/test-tools"

apt_packages=(
  # build
  meson ninja-build pkg-config gcc
  libglib2.0-dev libjson-glib-dev libsoup-3.0-dev
  # GIO's TLS backend: https endpoints (libsoup only recommends it)
  glib-networking
  # introspection: the typelib, and what Python and GJS load it with
  gobject-introspection libgirepository1.0-dev
  gir1.2-glib-2.0 gir1.2-json-1.0 gir1.2-soup-3.0
  gjs python3-gi python3-pytest
  # the API reference (gtk-doc 1.33 and the DocBook stylesheets it renders with); GLib's own
  # gtk-doc reference lets it link GObject, GType, GError... to their documentation
  gtk-doc-tools xsltproc docbook-xml docbook-xsl libglib2.0-doc
  # the delivery stores
  libsqlite3-dev libpq-dev
  # the PostgreSQL server the WhPgStore tests (tests/pg) start for themselves
  postgresql
  # the peer of the document benchmark (FastAPI 0.92)
  python3-fastapi
  # the browser test (tests/browser): playwright-core drives Debian's chromium
  chromium
  # wrk and nginx, for tools/bench/serve-run.sh, are not here: CI runs no benchmark, and
  # that script installs them itself when they are missing
)

log ()
{
  printf 'setup: %s\n' "$*" >&2
}

as_root ()
{
  if [ "$(id -u)" = 0 ]; then
    "$@"
  elif command -v sudo >/dev/null; then
    sudo -n "$@"
  else
    log "run this script as root to install: ${missing[*]}"
    exit 1
  fi
}

# --- Debian packages -------------------------------------------------------------------
# One dpkg-query for all of them: a package that is unknown or not fully installed is missing.
declare -A installed=()
while read -r name status; do
  [ "$status" = installed ] && installed[$name]=1
done < <(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${apt_packages[@]}" 2>/dev/null || true)

missing=()
for p in "${apt_packages[@]}"; do
  [ -n "${installed[$p]:-}" ] || missing+=("$p")
done

# apt and npm talk a lot even when all goes well: their output is shown only when they fail.
quietly ()
{
  local out
  if ! out=$("$@" 2>&1 </dev/null); then
    printf '%s\n' "$out" >&2
    log "failed: $*"
    exit 1
  fi
}

if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  quietly as_root apt-get update -qq
  quietly as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    -o Dpkg::Use-Pty=0 "${missing[@]}"
fi

# --- npm test tools --------------------------------------------------------------------
# `npm ci` empties node_modules first, so a stamp written after it succeeded holds the hash
# of the lock file it installed: a matching stamp means the tools are exactly the locked ones.
lock="$test_tools/package-lock.json"
stamp="$test_tools/node_modules/.libwebhooks-setup-stamp"
want=$(sha256sum "$lock" | cut -d' ' -f1)

if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  if ! command -v npm >/dev/null; then
    log "npm is not on PATH: install Node.js 20.19 or later (not Debian's), then run this again"
    exit 1
  fi
  log "installing the npm test tools (npm ci in tools/test-tools)"
  (
    cd "$test_tools"
    export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false \
           npm_config_progress=false npm_config_loglevel=error npm_config_yes=true
    quietly npm ci
  )
  printf '%s\n' "$want" >"$stamp"
fi
