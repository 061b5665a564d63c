#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The serving benchmark of issue 4: wrk against /openapi.json of a 1,000-operation document
# served by libwebhooks (tools/bench/bench-serve: one thread, the default main context), and
# in the same run against Debian's nginx (one worker, a config in a temporary folder,
# 127.0.0.1 only) serving the same bytes as a static file. It prints the requests per second
# of both and their ratio; the goal is at least 0.6 of nginx.
#
# wrk sends no Accept-Encoding, so neither server compresses; both answer over keep-alive
# connections. For reference it also measures a bare libsoup handler serving the same bytes
# (bench-serve --plain): the part of the cost that is libsoup's, not libwebhooks'. On a
# machine with two CPUs or more, the servers share the last CPU (one each at a time, as one
# worker) and wrk gets the others, so that the client does not take the servers' time.
# The servers are measured in turn, round after round; the summary gives the median of the
# rounds' ratios (steadier on a busy machine than any single run) and the best runs.
#
# A benchmark, not a test: it exits 0 whether or not the goal is met, and fails only when
# something cannot be built or run.
#
#   tools/bench/serve-run.sh [BUILDDIR]
#
# Environment: WH_BENCH_DURATION (seconds a run, default 5), WH_BENCH_CONNECTIONS (default
# 16), WH_BENCH_THREADS (wrk's threads, default: the CPUs left to it, at most 4),
# WH_BENCH_ROUNDS (rounds, each server once a round; default 5), WH_BENCH_PIN (0: no CPU
# pinning).
#
# After the summary, for reference and with no goal: the same servers answering a
# revalidation (If-None-Match with their current ETag, so 304 and no body), where the cost
# per request rather than per byte shows.
#
# wrk and nginx are not in tools/setup.sh's list (CI runs no benchmark): this script
# installs them with apt when they are missing, as root or through sudo.
set -euo pipefail

srcdir=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
builddir=${1:-"$srcdir/build"}
duration=${WH_BENCH_DURATION:-5}
connections=${WH_BENCH_CONNECTIONS:-16}
rounds=${WH_BENCH_ROUNDS:-5}

cpus=$(nproc)
if [ "$cpus" -ge 2 ] && [ "${WH_BENCH_PIN:-1}" != 0 ]; then
  server_cpu=$((cpus - 1))
  pin_server=(taskset -c "$server_cpu")
  pin_client=(taskset -c "0-$((server_cpu - 1))")
  client_cpus=$server_cpu
else
  pin_server=()
  pin_client=()
  client_cpus=$((cpus > 1 ? cpus - 1 : 1))
fi
threads=${WH_BENCH_THREADS:-$((client_cpus < 4 ? client_cpus : 4))}

log ()
{
  printf 'serve-run: %s\n' "$*" >&2
}

# --- the tools -------------------------------------------------------------------------
missing=()
command -v wrk >/dev/null || missing+=(wrk)
[ -x /usr/sbin/nginx ] || missing+=(nginx)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  sudo=()
  [ "$(id -u)" = 0 ] || sudo=(sudo -n)
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    --no-install-recommends -o Dpkg::Use-Pty=0 "${missing[@]}" >/dev/null
fi

if [ ! -f "$builddir/build.ninja" ]; then
  meson setup "$builddir" "$srcdir"
fi
if ! out=$(ninja -C "$builddir" tools/bench/bench-serve 2>&1); then
  printf '%s\n' "$out" >&2
  log "could not build bench-serve"
  exit 1
fi

work=$(mktemp -d)
server_pid=
plain_pid=
nginx_pid=
cleanup ()
{
  local pid
  for pid in $server_pid $plain_pid $nginx_pid; do
    kill "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

# --- libwebhooks, and libsoup alone -----------------------------------------------------
mkdir -p "$work/www"
# Each reads a pipe that stays open until this script ends: they stop at its end of file,
# even when this script is killed.
exec 3> >(exec "${pin_server[@]}" "$builddir/tools/bench/bench-serve" \
            --output "$work/www/openapi.json" >"$work/bench-serve.out")
server_pid=$!
exec 4> >(exec "${pin_server[@]}" "$builddir/tools/bench/bench-serve" --plain \
            >"$work/bench-plain.out")
plain_pid=$!

server_port ()
{
  for _ in $(seq 300); do
    if grep -q '^port ' "$1" 2>/dev/null; then
      sed -n 's/^port //p' "$1"
      return
    fi
    sleep 0.1
  done
  log "$1: the server did not start"
  exit 1
}
wh_port=$(server_port "$work/bench-serve.out")
plain_port=$(server_port "$work/bench-plain.out")

# --- nginx -----------------------------------------------------------------------------
# One worker, as bench-serve has one thread; no access log (bench-serve keeps none);
# sendfile as Debian's default configuration has it; keep-alive without a request limit,
# as libsoup has none.
nginx_port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$work/nginx.conf" <<EOF
daemon off;
master_process off;
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  keepalive_timeout 65;
  client_body_temp_path $work/nginx-tmp;
  proxy_temp_path $work/nginx-tmp;
  fastcgi_temp_path $work/nginx-tmp;
  uwsgi_temp_path $work/nginx-tmp;
  scgi_temp_path $work/nginx-tmp;
  types { application/json json; }
  gzip off;
  server {
    listen 127.0.0.1:$nginx_port;
    root $work/www;
    location = /openapi.json {
      etag on;
      add_header Cache-Control no-cache;
      add_header X-Content-Type-Options nosniff;
    }
  }
}
EOF
mkdir -p "$work/nginx-tmp"
"${pin_server[@]}" /usr/sbin/nginx -c "$work/nginx.conf" -p "$work" -e "$work/nginx-error.log" &
nginx_pid=$!
for _ in $(seq 100); do
  curl -sf -o /dev/null "http://127.0.0.1:$nginx_port/openapi.json" && break
  sleep 0.1
done

# --- the same bytes? -------------------------------------------------------------------
curl -sf -o "$work/from-libwebhooks" "http://127.0.0.1:$wh_port/openapi.json"
curl -sf -o "$work/from-nginx" "http://127.0.0.1:$nginx_port/openapi.json"
curl -sf -o "$work/from-plain" "http://127.0.0.1:$plain_port/openapi.json"
if ! cmp -s "$work/from-libwebhooks" "$work/from-nginx" ||
   ! cmp -s "$work/from-libwebhooks" "$work/from-plain"; then
  log "the two servers do not serve the same bytes"
  exit 1
fi
size=$(stat -c %s "$work/from-nginx")

# Keep-alive: one connection for two requests (curl says when it reuses one), over HTTP/1.1
# (wrk) and over HTTP/1.0 with Connection: keep-alive (ab -k).
reuses ()
{
  curl -sv "$@" -o /dev/null -o /dev/null "http://127.0.0.1:$wh_port/openapi.json" \
    "http://127.0.0.1:$wh_port/openapi.json" 2>&1 | grep -q 'Re-using existing connection' &&
    echo yes || echo NO
}
reused_11=$(reuses --http1.1)
reused_10=$(reuses --http1.0 -H 'Connection: keep-alive')

echo "== /openapi.json: $size bytes, 1,000 operations; wrk -t$threads -c$connections -d${duration}s, $rounds rounds"
if [ ${#pin_server[@]} -gt 0 ]; then
  echo "servers on CPU $server_cpu, wrk on CPUs 0-$((server_cpu - 1))"
else
  echo "no CPU pinning: servers and wrk share the CPUs"
fi
echo "libwebhooks keeps connections alive: HTTP/1.1 $reused_11, HTTP/1.0 keep-alive $reused_10"
echo "-- libwebhooks response headers"
curl -s -D - -o /dev/null "http://127.0.0.1:$wh_port/openapi.json" | tr -d '\r' | sed '/^$/d'
echo "-- nginx response headers"
curl -s -D - -o /dev/null "http://127.0.0.1:$nginx_port/openapi.json" | tr -d '\r' | sed '/^$/d'

# --- wrk -------------------------------------------------------------------------------
requests_per_second ()
{
  "${pin_client[@]}" wrk -t"$threads" -c"$connections" -d"${duration}s" "$@" |
    tee -a "$work/wrk.log" | awk '/^Requests\/sec:/ { print $2 }'
}

: >"$work/rounds"
for round in $(seq "$rounds"); do
  wh=$(requests_per_second "http://127.0.0.1:$wh_port/openapi.json")
  ng=$(requests_per_second "http://127.0.0.1:$nginx_port/openapi.json")
  pl=$(requests_per_second "http://127.0.0.1:$plain_port/openapi.json")
  echo "$wh $ng $pl" >>"$work/rounds"
  awk -v r="$round" -v wh="$wh" -v ng="$ng" -v pl="$pl" 'BEGIN {
    printf "round %d: libwebhooks %.0f, nginx %.0f, bare libsoup %.0f requests/s; libwebhooks / nginx %.2f\n", \
      r, wh, ng, pl, wh / ng
  }'
done

if grep -q 'Non-2xx\|Socket errors' "$work/wrk.log"; then
  echo "wrk saw errors:"
  grep 'Non-2xx\|Socket errors' "$work/wrk.log"
fi

echo "== summary"
awk '
  function median(a, n,    i, j, t) {
    for (i = 2; i <= n; i++)
      for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  {
    n++
    ratio[n] = $1 / $2; plain_ratio[n] = $3 / $2; wh_plain[n] = $1 / $3
    if ($1 > wh) wh = $1
    if ($2 > ng) ng = $2
    if ($3 > pl) pl = $3
  }
  END {
    m = median(ratio, n)
    printf "best runs: libwebhooks %.0f, nginx %.0f, bare libsoup %.0f requests/s\n", wh, ng, pl
    printf "medians of the rounds: bare libsoup / nginx %.2f, libwebhooks / bare libsoup %.2f\n", \
      median(plain_ratio, n), median(wh_plain, n)
    printf "libwebhooks / nginx: %.2f (median of %d rounds; best runs: %.2f); goal >= 0.6: %s\n", \
      m, n, wh / ng, (m >= 0.6 ? "met" : "NOT met")
  }' "$work/rounds"

echo "== for reference: revalidation (If-None-Match, 304 without a body), 3 rounds"
wh_etag=$(curl -s -D - -o /dev/null "http://127.0.0.1:$wh_port/openapi.json" | tr -d '\r' | sed -n 's/^ETag: //Ip')
ng_etag=$(curl -s -D - -o /dev/null "http://127.0.0.1:$nginx_port/openapi.json" | tr -d '\r' | sed -n 's/^ETag: //Ip')
for round in 1 2 3; do
  wh=$(requests_per_second -H "If-None-Match: $wh_etag" "http://127.0.0.1:$wh_port/openapi.json")
  ng=$(requests_per_second -H "If-None-Match: $ng_etag" "http://127.0.0.1:$nginx_port/openapi.json")
  awk -v r="$round" -v wh="$wh" -v ng="$ng" 'BEGIN {
    printf "round %d: libwebhooks %.0f, nginx %.0f requests/s; libwebhooks / nginx %.2f\n", r, wh, ng, wh / ng
  }'
done
