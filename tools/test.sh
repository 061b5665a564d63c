#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# tools/test.sh: sets up the machine, configures and builds build/, and runs every test
# suite. Its exit code is meson test's. Extra arguments go to meson test (a suite, a name).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash tools/setup.sh

# --reconfigure picks up meson.build files added since the last run.
if [ -f build/meson-private/coredata.dat ]; then
  meson setup --reconfigure build
else
  meson setup build
fi

ninja -C build
exec meson test -C build --print-errorlogs "$@"
