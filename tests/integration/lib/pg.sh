# Sourced by the KMS integration tests: start a throw-away PostgreSQL server from Debian's
# postgresql package in a temporary directory (unix socket + 127.0.0.1 on a free port), and stop it
# on exit. After pg_start, $PG_URL is a libpq URI for database "mcxkms". pg_start returns 1 (with
# the reason in $PG_SKIP_REASON) only when no server can be started here.
PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
pg_start() { # workdir
  local dir=$1/pg
  PG_SKIP_REASON=""
  if [[ -z $PG_BIN || ! -x $PG_BIN/initdb ]]; then
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null 2>&1 || true
      PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    fi
    if [[ -z $PG_BIN || ! -x $PG_BIN/initdb ]]; then
      PG_SKIP_REASON="PostgreSQL server binaries not installed (apt-get install postgresql)"
      return 1
    fi
  fi
  local run=()
  if [[ $(id -u) -eq 0 ]]; then
    # initdb refuses to run as root: run the server as the postgres system user.
    if ! id postgres >/dev/null 2>&1; then
      PG_SKIP_REASON="running as root and there is no 'postgres' user to run the server as"
      return 1
    fi
    run=(runuser -u postgres --)
  fi
  chmod 755 "$1" "$(dirname "$1")"
  mkdir -p "$dir"
  [[ ${#run[@]} -gt 0 ]] && chown postgres "$dir" && chmod 700 "$dir"
  PG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "${run[@]}" "$PG_BIN/initdb" -D "$dir/data" -U mcx --auth=trust -E UTF8 >"$1/pg-initdb.log" 2>&1 || {
    PG_SKIP_REASON="initdb failed: $(tail -n 3 "$1/pg-initdb.log")"; return 1; }
  "${run[@]}" "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $dir -c fsync=on -c max_connections=200" start \
    >/dev/null 2>&1 || { PG_SKIP_REASON="pg_ctl start failed: $(tail -n 3 "$dir/server.log")"; return 1; }
  PG_STOP=("${run[@]}" "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w stop)
  "${run[@]}" "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U mcx mcxkms >/dev/null 2>&1 || {
    PG_SKIP_REASON="createdb failed"; return 1; }
  PG_URL="postgresql://mcx@127.0.0.1:$PG_PORT/mcxkms"
  export PG_URL
}
pg_stop() {
  [[ -n ${PG_STOP+x} ]] && "${PG_STOP[@]}" >/dev/null 2>&1 || true
}
