#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# tools/demo.sh: sets up the machine, configures and builds build/ when needed, and runs
# the demo (docs/examples/c/seed.c): the seed's example served on http://127.0.0.1:8000
# (document, docs pages, POST /create), delivering a signed new-event webhook to a local
# receiver for every payment created, until Ctrl+C. Extra arguments go to the demo
# (--port N, --print-openapi).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# The demo's output is what it serves and delivers: the build speaks only when it fails.
quietly ()
{
  local out
  if ! out=$("$@" 2>&1); then
    printf '%s\n' "$out" >&2
    exit 1
  fi
}

bash tools/setup.sh

if [ ! -f build/meson-private/coredata.dat ]; then
  quietly meson setup build
fi

# Only the demo and what it links: the reference and the tests are tools/test.sh's business.
quietly ninja -C build tools/webhooks-demo
exec build/tools/webhooks-demo "$@"
