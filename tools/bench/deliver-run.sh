#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The delivery benchmark of issue 5. In one run, against one Debian nginx (one worker, a
# config in a temporary folder, 127.0.0.1 only, `return 204` for every POST, no access
# log), it measures:
#
#   1. WhDispatcher (tools/bench/bench-deliver) delivering COUNT signed payloads of SIZE
#      bytes, published beforehand, with the SQLite file store and with ":memory:";
#   2. a Node.js sender (tools/bench/deliver-node.mjs: http.Agent keep-alive, the same
#      connection limit and requests in flight, each request signed with npm's
#      standardwebhooks) sending the same bodies;
#   3. wrk posting the same request (fixed headers: no per-request work) over the same
#      number of connections, the receiver's ceiling;
#   4. the publish-to-first-attempt latency at RATE events a second;
#   5. the peak RSS of a dispatcher working through QUEUED queued deliveries.
#
# It prints deliveries per second, the ratios against the goals of issue 5
# (:memory: / Node >= 1.0, file / :memory: >= 0.8, p99 < 5 ms, RSS < 64 MiB) and nginx's
# connection counts, which show that every sender keeps its connections alive. It also
# prints each sender's CPU time per delivery (every thread, user and system), which a
# machine busy with other work disturbs less than the elapsed time. A
# benchmark, not a test: it exits 0 whatever the figures, and fails only when something
# cannot be built or run.
#
#   tools/bench/deliver-run.sh [BUILDDIR]
#
# Environment: WH_BENCH_COUNT (deliveries a throughput run, default 20000), WH_BENCH_SIZE
# (payload bytes, 1024), WH_BENCH_ROUNDS (throughput runs of each sender, alternating, the
# best kept; default 3), WH_BENCH_CONNECTIONS (connection limit for every sender; default
# the dispatcher's own max-conns-per-host), WH_BENCH_RATE (events a second for the latency,
# 1000), WH_BENCH_LATENCY_SECONDS (5), WH_BENCH_QUEUED (1000000), WH_BENCH_MEMORY_SECONDS
# (5), WH_BENCH_WRK_SECONDS (5).
#
# wrk and nginx are not in tools/setup.sh's list (CI runs no benchmark): this script
# installs them with apt when they are missing, as root or through sudo. Node.js and
# standardwebhooks come from tools/setup.sh.
set -euo pipefail

srcdir=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
builddir=${1:-"$srcdir/build"}
count=${WH_BENCH_COUNT:-20000}
size=${WH_BENCH_SIZE:-1024}
rounds=${WH_BENCH_ROUNDS:-3}
connections=${WH_BENCH_CONNECTIONS:-}
rate=${WH_BENCH_RATE:-1000}
latency_seconds=${WH_BENCH_LATENCY_SECONDS:-5}
queued=${WH_BENCH_QUEUED:-1000000}
memory_seconds=${WH_BENCH_MEMORY_SECONDS:-5}
wrk_seconds=${WH_BENCH_WRK_SECONDS:-5}
node_modules="$srcdir/tools/test-tools/node_modules"

log ()
{
  printf 'deliver-run: %s\n' "$*" >&2
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
command -v node >/dev/null || { log "node is missing; run tools/setup.sh"; exit 1; }
[ -d "$node_modules/standardwebhooks" ] ||
  { log "npm's standardwebhooks is missing from $node_modules; run tools/setup.sh"; exit 1; }

if [ ! -f "$builddir/build.ninja" ]; then
  meson setup "$builddir" "$srcdir"
fi
if ! out=$(ninja -C "$builddir" tools/bench/bench-deliver 2>&1); then
  printf '%s\n' "$out" >&2
  log "could not build bench-deliver"
  exit 1
fi
bench="$builddir/tools/bench/bench-deliver"

work=$(mktemp -d)
nginx_pid=
cleanup ()
{
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

# --- nginx -----------------------------------------------------------------------------
# One worker; keep-alive without a request limit (neither sender has one); no access log
# on the benchmark's port. A second port logs each request's shape for the check below,
# and stub_status counts the connections nginx accepted.
free_port ()
{
  /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
port=$(free_port)
check_port=$(free_port)
cat >"$work/nginx.conf" <<EOF
daemon off;
master_process off;
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 1000000;
  keepalive_timeout 65;
  client_body_temp_path $work/nginx-tmp;
  proxy_temp_path $work/nginx-tmp;
  fastcgi_temp_path $work/nginx-tmp;
  uwsgi_temp_path $work/nginx-tmp;
  scgi_temp_path $work/nginx-tmp;
  log_format shape 'conn=\$connection#\$connection_requests len=\$request_length '
                   'body=\$content_length type="\$http_content_type" id=\$http_webhook_id '
                   'ts=\$http_webhook_timestamp sig=\$http_webhook_signature '
                   'ua="\$http_user_agent" status=\$status';
  server {
    listen 127.0.0.1:$port;
    location = /nginx_status { stub_status; }
    location / { return 204; }
  }
  server {
    listen 127.0.0.1:$check_port;
    access_log $work/shape.log shape;
    location / { return 204; }
  }
}
EOF
mkdir -p "$work/nginx-tmp"
/usr/sbin/nginx -c "$work/nginx.conf" -p "$work" -e "$work/nginx-error.log" &
nginx_pid=$!
for _ in $(seq 100); do
  curl -sf -o /dev/null "http://127.0.0.1:$port/nginx_status" && break
  sleep 0.1
done
curl -sf -o /dev/null "http://127.0.0.1:$port/nginx_status" || { log "nginx did not start"; exit 1; }
url="http://127.0.0.1:$port/hooks"
check_url="http://127.0.0.1:$check_port/hooks"

# "accepts requests" from stub_status; its own request is one of them.
nginx_counts ()
{
  curl -sf "http://127.0.0.1:$port/nginx_status" | awk 'NR == 3 { print $1, $3 }'
}

# --- the request every sender sends ----------------------------------------------------
limit_args=()
[ -n "$connections" ] && limit_args=(--connections "$connections")
"$bench" prepare --url "$url" --size "$size" --body "$work/body.json" \
  --wrk-lua "$work/post.lua" "${limit_args[@]}" >"$work/prepare.out"
value ()
{
  awk -v key="$1" '$1 == key { print $2 }' "$2"
}
secret=$(value secret "$work/prepare.out")
payload_bytes=$(value payload_bytes "$work/prepare.out")
conns=$(value limit_max-conns-per-host "$work/prepare.out")
in_flight=$(value limit_concurrency "$work/prepare.out")
[ -n "$secret" ] && [ -n "$conns" ] && [ -n "$in_flight" ] ||
  { cat "$work/prepare.out" >&2; log "bench-deliver prepare failed"; exit 1; }
# wrk's lua runs one script per thread; one request each and the thread stops, for the
# check of what it sends.
cat >"$work/post-once.lua" <<EOF
dofile("$work/post.lua")
function response(status, headers, body)
  wrk.thread:stop()
end
EOF
wrk_threads=$(( conns < 2 ? 1 : 2 ))

echo "== $count signed deliveries of $payload_bytes bytes to nginx (return 204), 127.0.0.1"
echo "dispatcher limits: $(grep '^limit_' "$work/prepare.out" | sed 's/^limit_//' | tr '\n' ' ')"
echo "every sender: $conns connections, $in_flight requests in flight (Node: http.Agent maxSockets $conns)"

# --- do they send the same thing? ------------------------------------------------------
"$bench" throughput --url "$check_url" --store :memory: --count 3 --size "$size" \
  "${limit_args[@]}" >/dev/null
NODE_PATH="$node_modules" node "$srcdir/tools/bench/deliver-node.mjs" "$check_url" \
  "$work/body.json" "$secret" 3 "$conns" "$in_flight" >/dev/null
wrk -t1 -c1 -d1s -s "$work/post-once.lua" "$check_url" >/dev/null
echo "-- one request of each, as nginx logged them (libwebhooks, Node.js, wrk)"
sed -n '1p;4p;7p' "$work/shape.log" | sed 's/sig=\(v1,.\{12\}\)[^ ]*/sig=\1…/'

# --- throughput ------------------------------------------------------------------------
# Each sender's connections: the accepts nginx counted during its run, less the one of
# the stub_status request itself.
run_counted ()
{
  local name=$1
  shift
  local before after
  before=$(nginx_counts)
  "$@" >"$work/$name.out"
  after=$(nginx_counts)
  read -r a0 r0 <<<"$before"
  read -r a1 r1 <<<"$after"
  echo "connections $(( a1 - a0 - 1 ))" >>"$work/$name.out"
  echo "requests $(( r1 - r0 - 1 ))" >>"$work/$name.out"
}

best ()
{
  awk -v a="$1" -v b="$2" 'BEGIN { print (b > a ? b : a) }'
}

lowest ()
{
  awk -v a="$1" -v b="$2" 'BEGIN { print (a == 0 || b < a ? b : a) }'
}

best_file=0
best_memory=0
best_node=0
best_wrk=0
cpu_file=0
cpu_memory=0
cpu_node=0
store="$work/deliveries.db"
for round in $(seq "$rounds"); do
  run_counted file "$bench" throughput --url "$url" --store "$store" --count "$count" \
    --size "$size" "${limit_args[@]}"
  run_counted memory "$bench" throughput --url "$url" --store :memory: --count "$count" \
    --size "$size" "${limit_args[@]}"
  run_counted node env NODE_PATH="$node_modules" node "$srcdir/tools/bench/deliver-node.mjs" \
    "$url" "$work/body.json" "$secret" "$count" "$conns" "$in_flight"
  run_counted wrk wrk -t"$wrk_threads" -c"$conns" -d"${wrk_seconds}s" -s "$work/post.lua" "$url"

  for sender in file memory node; do
    if [ "$(value succeeded "$work/$sender.out")" != "$count" ]; then
      cat "$work/$sender.out" >&2
      log "$sender did not deliver all $count"
      exit 1
    fi
  done
  if grep -q 'Non-2xx\|Socket errors' "$work/wrk.out"; then
    grep 'Non-2xx\|Socket errors' "$work/wrk.out"
  fi
  wrk_rate=$(awk '/^Requests\/sec:/ { print $2 }' "$work/wrk.out")

  printf 'round %d: file %s/s (%s connections), :memory: %s/s (%s), Node %s/s (%s), wrk %.0f/s (%s)\n' \
    "$round" \
    "$(value rate "$work/file.out")" "$(value connections "$work/file.out")" \
    "$(value rate "$work/memory.out")" "$(value connections "$work/memory.out")" \
    "$(value rate "$work/node.out")" "$(value connections "$work/node.out")" \
    "$wrk_rate" "$(value connections "$work/wrk.out")"
  for sender in file memory node wrk; do
    cp "$work/$sender.out" "$work/$sender.round$round.out"
  done
  best_file=$(best "$best_file" "$(value rate "$work/file.out")")
  best_memory=$(best "$best_memory" "$(value rate "$work/memory.out")")
  best_node=$(best "$best_node" "$(value rate "$work/node.out")")
  best_wrk=$(best "$best_wrk" "$wrk_rate")
  cpu_file=$(lowest "$cpu_file" "$(value cpu_us "$work/file.out")")
  cpu_memory=$(lowest "$cpu_memory" "$(value cpu_us "$work/memory.out")")
  cpu_node=$(lowest "$cpu_node" "$(value cpu_us "$work/node.out")")
done
echo "publishing (before the clock starts): file $(value publish_rate "$work/file.out")/s," \
  ":memory: $(value publish_rate "$work/memory.out")/s"

# --- latency ---------------------------------------------------------------------------
for kind in file memory; do
  [ "$kind" = file ] && where="$store" || where=:memory:
  "$bench" latency --url "$url" --store "$where" --rate "$rate" --seconds "$latency_seconds" \
    --size "$size" "${limit_args[@]}" >"$work/latency-$kind.out"
done

# --- memory ----------------------------------------------------------------------------
"$bench" memory --url "$url" --store "$store" --queued "$queued" --seconds "$memory_seconds" \
  --size "$size" "${limit_args[@]}" >"$work/rss.out"

# --- summary ---------------------------------------------------------------------------
per_connection ()
{
  awk -v r="$(value requests "$1")" -v c="$(value connections "$1")" \
    'BEGIN { if (c > 0) printf "%d connections, %.0f requests each", c, r / c; else print "no new connection" }'
}

echo "== summary (best of $rounds for throughput; load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs)"
printf '%-38s %13s %13s   %s\n' "sender" "deliveries/s" "CPU µs each" "nginx saw (last round)"
printf '%-38s %13.0f %13.1f   %s\n' "libwebhooks, SQLite file store" "$best_file" "$cpu_file" "$(per_connection "$work/file.out")"
printf '%-38s %13.0f %13.1f   %s\n' "libwebhooks, :memory: store" "$best_memory" "$cpu_memory" "$(per_connection "$work/memory.out")"
printf '%-38s %13.0f %13.1f   %s\n' "Node.js http.Agent + standardwebhooks" "$best_node" "$cpu_node" "$(per_connection "$work/node.out")"
printf '%-38s %13.0f %13s   %s\n' "wrk, fixed request (ceiling)" "$best_wrk" "-" "$(per_connection "$work/wrk.out")"
awk -v f="$best_file" -v m="$best_memory" -v n="$best_node" -v w="$best_wrk" \
    -v cf="$cpu_file" -v cm="$cpu_memory" -v cn="$cpu_node" 'BEGIN {
  printf ":memory: / Node:  %.2f   goal >= 1.0: %s   (by CPU per delivery: %.2f)\n", m / n, (m / n >= 1.0 ? "met" : "NOT met"), cn / cm
  printf "file / :memory:   %.2f   goal >= 0.8: %s   (by CPU per delivery: %.2f)\n", f / m, (f / m >= 0.8 ? "met" : "NOT met"), cm / cf
  printf "Node / wrk:       %.2f   (:memory: / wrk %.2f)\n", n / w, m / w
}'
echo "dispatcher, last round: file store $(value cpu_load "$work/file.out") of a core busy" \
  "(its main context's thread $(value main_load "$work/file.out"), $(value main_cpu_us "$work/file.out") µs" \
  "a delivery), $(value mean_in_flight "$work/file.out") in flight on average; :memory:" \
  "$(value cpu_load "$work/memory.out") busy (main $(value main_load "$work/memory.out")," \
  "$(value main_cpu_us "$work/memory.out") µs), $(value mean_in_flight "$work/memory.out") in flight;" \
  "Node $(value cpu_load "$work/node.out") busy"
for kind in file memory; do
  out="$work/latency-$kind.out"
  awk -v kind="$kind" -v rate="$rate" '
    { v[$1] = $2 }
    END {
      printf "latency, %s store, %s events/s in batches of %s: publish to first attempt p50 %.2f ms, p99 %.2f ms, max %.2f ms (%s measured; slowest publish %.2f ms); goal p99 < 5 ms: %s\n",
        (kind == "file" ? "file" : ":memory:"), rate, v["batch"], v["p50_ms"], v["p99_ms"], v["max_ms"],
        v["measured"], v["max_publish_ms"], (v["p99_ms"] < 5 ? "met" : "NOT met")
    }' "$out"
done
awk '
  { v[$1] = $2 }
  END {
    mib = v["peak_rss_kib"] / 1024
    printf "memory: %s deliveries queued in a %s MiB store file (filled in %s s); dispatching for %s s delivered %s (%s/s); peak RSS %.1f MiB (%.1f MiB before starting; peak reset: %s); goal < 64 MiB: %s\n",
      v["queued"], v["store_mib"], v["fill_seconds"], v["send_seconds"], v["succeeded"], v["rate"],
      mib, v["rss_queued_kib"] / 1024, v["peak_reset"], (mib < 64 ? "met" : "NOT met")
  }' "$work/rss.out"
for out in "$work"/file.out "$work"/memory.out "$work"/latency-*.out "$work"/rss.out; do
  if [ "$(value failed_attempts "$out")" != 0 ]; then
    echo "failed attempts in $(basename "$out"): $(value failed_attempts "$out"); first: $(sed -n 's/^first_failure //p' "$out")"
  fi
done
