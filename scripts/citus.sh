#!/bin/sh
# A throwaway Citus cluster on loopback for the tests and benchmarks: a coordinator on PORT and two
# workers on PORT+1 and PORT+2, the extension created on each, the workers registered.
#   sh scripts/citus.sh start DIR PORT   → prints the coordinator's database URL
#   sh scripts/citus.sh add DIR PORT     → starts one more worker on PORT and registers it (no shards
#                                          move until citus_rebalance_start())
#   sh scripts/citus.sh stop DIR
# Needs PostgreSQL with the citus extension installed (official packages, or ../shared/citus/install.sh
# here). initdb refuses to run as root, so as root the clusters belong to the postgres user.
set -eu
cmd=$1 dir=$2
# the database, and the one pytest-django uses with --reuse-db (a Citus database needs the extension
# and the nodes registered in it, which Django's CREATE DATABASE cannot do)
DBS=${CITUS_DBS:-gonghui test_gonghui}
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
node_start() {  # node_start NAME PORT
  as_owner "$PGBIN/initdb" -D "$dir/$1" -A trust -U gonghui -E UTF8 --locale=C.UTF-8 >/dev/null
  cat >>"$dir/$1/postgresql.conf" <<CONF
shared_preload_libraries = 'citus'
listen_addresses = '127.0.0.1'
port = $2
unix_socket_directories = '$dir'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
max_prepared_transactions = 200
wal_level = logical
citus.shard_count = 32
CONF
  as_owner "$PGBIN/pg_ctl" -D "$dir/$1" -l "$dir/$1.log" -w start >/dev/null
  for db in $DBS; do
    as_owner "$PGBIN/createdb" -h 127.0.0.1 -p "$2" -U gonghui "$db"
    as_owner "$PGBIN/psql" -q -h 127.0.0.1 -p "$2" -U gonghui -d "$db" -c "CREATE EXTENSION citus" >/dev/null
  done
}
sql() {  # sql PORT STATEMENT: on every database of the cluster
  for db in $DBS; do
    as_owner "$PGBIN/psql" -qAt -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$1" -U gonghui -d "$db" -c "$2" >/dev/null
  done
}
case $cmd in
start)
  port=$3
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres "$dir"
  node_start coordinator "$port"
  node_start worker1 $((port + 1))
  node_start worker2 $((port + 2))
  echo "$port" >"$dir/port"
  sql "$port" "SELECT citus_set_coordinator_host('127.0.0.1', $port)"
  sql "$port" "SELECT citus_add_node('127.0.0.1', $((port + 1)))"
  sql "$port" "SELECT citus_add_node('127.0.0.1', $((port + 2)))"
  echo "postgres://gonghui@127.0.0.1:$port/gonghui"
  ;;
add)
  port=$3
  node_start "worker-$port" "$port"
  sql "$(cat "$dir/port")" "SELECT citus_add_node('127.0.0.1', $port)"
  echo "127.0.0.1 $port"
  ;;
stop)
  for d in "$dir"/*/; do
    [ -f "$d/PG_VERSION" ] && as_owner "$PGBIN/pg_ctl" -D "$d" -m fast stop >/dev/null 2>&1 || true
  done
  rm -rf "$dir"
  ;;
esac
