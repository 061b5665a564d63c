#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# pg-server.sh start DIR PORT WATCH_PID: makes a PostgreSQL cluster in DIR (an empty
# folder) and starts it on 127.0.0.1:PORT and a unix socket in DIR, trusting every local
# connection (user postgres). A watchdog stops it and removes DIR once WATCH_PID (the
# test) has exited, so that a test that crashed leaves nothing behind.
# pg-server.sh stop DIR: stops the server and removes DIR.
#
# PostgreSQL refuses to run as root: as root, the server runs as nobody:nogroup.
set -eu

bindir=${WH_PG_BINDIR:-/usr/lib/postgresql/15/bin}
command=$1
dir=$2

as_owner ()
{
  if [ "$(id -u)" = 0 ]; then
    setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$@"
  else
    "$@"
  fi
}

stop ()
{
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

case $command in
  start)
    port=$3
    watch_pid=$4
    for tool in initdb pg_ctl postgres; do
      if [ ! -x "$bindir/$tool" ]; then
        echo "pg-server.sh: $bindir/$tool is missing; install the PostgreSQL 15 server (apt-get install postgresql, which tools/setup.sh does)" >&2
        exit 1
      fi
    done
    if [ "$(id -u)" = 0 ]; then
      chown nobody:nogroup "$dir"
    fi
    chmod 700 "$dir"
    if ! as_owner "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C \
         --no-sync >"$dir/initdb.log" 2>&1; then
      cat "$dir/initdb.log" >&2
      exit 1
    fi
    if ! as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
         -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=30" \
         start >/dev/null 2>&1; then
      cat "$dir/server.log" >&2 || true
      exit 1
    fi
    # The watchdog holds none of the test's file descriptors, so that meson does not wait
    # for it.
    (
      while kill -0 "$watch_pid" 2>/dev/null; do sleep 1; done
      [ -d "$dir" ] && stop
    ) </dev/null >/dev/null 2>&1 &
    ;;
  stop)
    stop
    ;;
  *)
    echo "usage: pg-server.sh start DIR PORT WATCH_PID | stop DIR" >&2
    exit 2
    ;;
esac
