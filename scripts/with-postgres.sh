#!/usr/bin/env bash
# Run a command beside a throwaway PostgreSQL server, with KAZOOM_FINGERPRINTS_URL naming its
# database `kazoom`:
#
#   scripts/with-postgres.sh .venv/bin/python -m pytest
#
# The cluster lives in a new temporary directory and listens only on a unix socket there, so it
# meets no other server. Its role `kazoom` is a superuser: Django's test runner may create its
# test database. Durability is off (a crash loses the cluster, which nobody keeps). Run as root,
# the server runs as the `postgres` user, since initdb refuses root. The cluster is stopped and
# deleted when the command ends, however it ends; the command's exit status is this script's.
set -euo pipefail
if [ $# -eq 0 ]; then
  echo "usage: $0 COMMAND [ARG...]" >&2
  exit 2
fi

# The newest Debian server (/usr/lib/postgresql/N/bin), else the one on PATH.
initdb=$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1)
initdb=${initdb:-$(command -v initdb || true)}
if [ -z "$initdb" ]; then
  echo "$0: no PostgreSQL server found (on Debian: apt-get install postgresql)" >&2
  exit 1
fi
bin=$(dirname "$initdb")

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

cluster=$(mktemp -d "${TMPDIR:-/tmp}/kazoom-pg.XXXXXX")
stop_cluster() {
  as_owner "$bin/pg_ctl" --pgdata "$cluster/data" --mode immediate stop >/dev/null 2>&1 || true
  rm -rf "$cluster"
}
trap stop_cluster EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
if [ "$(id -u)" -eq 0 ]; then
  chown postgres: "$cluster"
fi

as_owner "$bin/initdb" --pgdata "$cluster/data" --username kazoom --auth trust \
  --encoding UTF8 --locale C --no-sync >"$cluster/initdb.log"
cat >>"$cluster/data/postgresql.conf" <<EOF
listen_addresses = ''
unix_socket_directories = '$cluster'
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
if ! as_owner "$bin/pg_ctl" --pgdata "$cluster/data" --log "$cluster/server.log" --wait start \
  >/dev/null; then
  cat "$cluster/server.log" >&2
  exit 1
fi
"$bin/createdb" --host "$cluster" --username kazoom kazoom

set +e
KAZOOM_FINGERPRINTS_URL="postgres://kazoom@${cluster//\//%2F}/kazoom" "$@"
status=$?
set -e
exit "$status"
