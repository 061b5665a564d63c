#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# tools/demo.sh: sets up the machine, configures and builds build/ when needed, and runs
# the demo (docs/examples/c/seed.c), which prints the OpenAPI 3.1 document of the seed's
# example. Extra arguments go to the demo.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# The demo's output is the document: the build speaks only when it fails.
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
