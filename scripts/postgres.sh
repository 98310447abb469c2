# A throwaway PostgreSQL cluster in a temporary folder, on a free port.
# initdb refuses to run as root, so the cluster runs as the `postgres` user.

pg_bin() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    [ -x "$dir/initdb" ] && { echo "$dir"; return; }
  done
  command -v initdb >/dev/null && dirname "$(command -v initdb)" && return
  echo "PostgreSQL server binaries not found (install postgresql)" >&2
  return 1
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_postgres() {
  local bin
  bin=$(pg_bin)
  PG_DIR=$(mktemp -d /tmp/listkeeper-pg.XXXXXX)
  PG_PORT=$(free_port)
  [ "$(id -u)" = 0 ] && chown postgres "$PG_DIR"
  as_postgres "$bin/initdb" -D "$PG_DIR/data" -U postgres --auth=trust >/dev/null
  as_postgres "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR -c fsync=on" start >/dev/null
  PG_BIN=$bin
  LISTKEEPER_TEST_POSTGRES_URL="postgresql://postgres@127.0.0.1:$PG_PORT/postgres"
  export LISTKEEPER_TEST_POSTGRES_URL PG_DIR PG_BIN
  echo "PostgreSQL started on port $PG_PORT ($PG_DIR)"
}

stop_postgres() {
  [ -n "${PG_DIR:-}" ] || return 0
  as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
}
