#!/bin/sh
# A throwaway PostgreSQL cluster on loopback for the test suite.
#   sh scripts/pg.sh start DIR PORT   → prints the database URL
#   sh scripts/pg.sh stop DIR
# initdb refuses to run as root, so as root the cluster belongs to the postgres user.
set -eu
cmd=$1 dir=$2
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
case $cmd in
start)
  port=$3
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres "$dir"
  as_owner "$PGBIN/initdb" -D "$dir/data" -A trust -U gonghui -E UTF8 --locale=C.UTF-8 >/dev/null
  as_owner "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
    -o "-h 127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
  as_owner "$PGBIN/createdb" -h 127.0.0.1 -p "$port" -U gonghui gonghui
  echo "postgres://gonghui@127.0.0.1:$port/gonghui"
  ;;
stop)
  as_owner "$PGBIN/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$dir"
  ;;
esac
