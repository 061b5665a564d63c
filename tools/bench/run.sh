#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The document benchmark of issue 2: builds tools/bench/bench-openapi in BUILDDIR (default:
# build/ at the top of the source tree; set up with meson when missing), then runs it and
# the FastAPI peer (tools/bench/bench_fastapi.py, Debian's python3-fastapi) one after the
# other in the same run, and prints both times, the ratios and whether the goals are met:
#
#   - FastAPI's app.openapi() + json.dumps for the 1,000 routes takes at least 100 times as
#     long as libwebhooks' build + serialize of the same routes;
#   - libwebhooks builds the JsonNode of the full document (1,000 webhooks, 1,000 routes) in
#     no more than twice the time it takes to serialize it.
#
# A benchmark, not a test: it exits 0 whether or not the goals are met, and fails only when
# something cannot be built or run.
#
#   tools/bench/run.sh [BUILDDIR]
#
# Environment: WH_BENCH_REPETITIONS (libwebhooks, default 30), WH_BENCH_FASTAPI_REPETITIONS
# (FastAPI, default 5; each takes seconds), WH_BENCH_OUTPUT (write the full document there).

set -eu

srcdir=$(cd "$(dirname "$0")/../.." && pwd)
builddir=${1:-"$srcdir/build"}
repetitions=${WH_BENCH_REPETITIONS:-30}
fastapi_repetitions=${WH_BENCH_FASTAPI_REPETITIONS:-5}
# Debian's FastAPI and PyGObject live in the system interpreter, not the first python3 on PATH.
python=/usr/bin/python3

if [ ! -f "$builddir/build.ninja" ]; then
  meson setup "$builddir" "$srcdir"
fi
ninja -C "$builddir" tools/bench/bench-openapi >/dev/null

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT INT TERM

echo "== libwebhooks $(sed -n "s/^ *version: '\(.*\)',/\1/p" "$srcdir/meson.build" | head -n 1)"
"$builddir/tools/bench/bench-openapi" --repetitions "$repetitions" \
  --results "$results/libwebhooks" ${WH_BENCH_OUTPUT:+--output "$WH_BENCH_OUTPUT"}

echo "== FastAPI (the same 1,000 routes; FastAPI has no webhooks)"
"$python" "$srcdir/tools/bench/bench_fastapi.py" --repetitions "$fastapi_repetitions" \
  --results "$results/fastapi"

echo "== summary (best times)"
cat "$results/libwebhooks" "$results/fastapi" | awk '
  { v[$1] = $2 }
  END {
    speedup = v["fastapi_total_ms"] / v["routes_total_ms"]
    median_speedup = v["fastapi_total_median_ms"] / v["routes_total_median_ms"]
    ratio = v["full_build_ms"] / v["full_serialize_ms"]
    median_ratio = v["full_build_median_ms"] / v["full_serialize_median_ms"]
    printf "routes only, build + serialize: libwebhooks %.2f ms, FastAPI %.2f ms\n", \
      v["routes_total_ms"], v["fastapi_total_ms"]
    printf "FastAPI / libwebhooks: %.0fx (medians: %.0fx; first calls: %.0fx); goal >= 100x: %s\n", \
      speedup, median_speedup, v["fastapi_first_total_ms"] / v["routes_first_total_ms"], \
      (speedup >= 100 ? "met" : "NOT met")
    printf "libwebhooks full document: build %.2f ms, serialize %.2f ms\n", \
      v["full_build_ms"], v["full_serialize_ms"]
    printf "build / serialize: %.2f (medians: %.2f); goal <= 2: %s\n", \
      ratio, median_ratio, (ratio <= 2 ? "met" : "NOT met")
  }'
