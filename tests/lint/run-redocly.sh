#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Lints every document lint-documents writes with `redocly lint --extends minimal`; any
# error fails the test. The documents stay in FOLDER for whoever wants to read them.
#
# Usage: run-redocly.sh LINT_DOCUMENTS FOLDER NPM_TOOLS_DIR
# REDOCLY_CLI, when set, names the cli.js to use instead of the one under NPM_TOOLS_DIR.
set -eu

if [ $# -ne 3 ]; then
  echo "Usage: $0 LINT_DOCUMENTS FOLDER NPM_TOOLS_DIR" >&2
  exit 2
fi
lint_documents=$1
folder=$2
npm_tools_dir=$3
cli=${REDOCLY_CLI:-$npm_tools_dir/@redocly/cli/bin/cli.js}

if [ ! -f "$cli" ]; then
  echo "redocly is not installed at $cli: run tools/setup.sh (or set REDOCLY_CLI)" >&2
  exit 1
fi
node=$(command -v node || true)
if [ -z "$node" ]; then
  echo "node is not installed: run tools/setup.sh" >&2
  exit 1
fi

# No telemetry and no update check: the tests run offline.
export REDOCLY_TELEMETRY=off
export REDOCLY_SUPPRESS_UPDATE_NOTICE=true
export NO_UPDATE_NOTIFIER=1
export CI=${CI:-true}

rm -rf "$folder"
"$lint_documents" "$folder" >/dev/null

status=0
for document in "$folder"/*.json; do
  log=$document.lint.txt
  echo "redocly lint --extends minimal $document"
  if "$node" "$cli" lint --extends minimal --format stylish "$document" >"$log" 2>&1; then
    verdict="ok: $document"
  else
    verdict="FAILED: $document (report in $log)"
    status=1
  fi
  # redocly's findings (warnings too) without its Node.js banner
  grep -v -e '║' -e '╔' -e '╚' "$log" | sed '/^[[:space:]]*$/d'
  echo "$verdict"
done
exit $status
