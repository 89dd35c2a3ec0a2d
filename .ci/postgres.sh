#!/usr/bin/env bash
# A throwaway PostgreSQL for the history-store tests (sourced by .ci/run).
#   postgres_start: when PostgreSQL's binaries are installed (/usr/lib/postgresql/*/bin, or initdb on PATH), creates a
#     cluster in a new temporary folder, listening on a unix socket there only (no TCP port to collide with), and
#     exports COMPLIANCE_TEST_POSTGRES (an Npgsql connection string). Otherwise it says so and exports nothing: the
#     PostgreSQL tests then report themselves as skipped.
#   postgres_stop: stops the cluster and deletes its folder.
# initdb refuses to run as root: as root the cluster belongs to the 'postgres' user (made by the Debian package),
# or 'nobody'.

postgres_start() {
  local bin=""
  for dir in /usr/lib/postgresql/*/bin; do [ -x "$dir/initdb" ] && bin="$dir"; done
  if [ -z "$bin" ] && command -v initdb >/dev/null 2>&1; then bin="$(dirname "$(command -v initdb)")"; fi
  if [ -z "$bin" ]; then
    echo "PostgreSQL: not installed (no initdb); the PostgreSQL history tests are SKIPPED (apt-get install postgresql to run them)"
    return 0
  fi
  PG_WORK="$(mktemp -d /tmp/ce-postgres.XXXXXX)"
  local run=()
  if [ "$(id -u)" = 0 ]; then
    local owner=postgres
    id "$owner" >/dev/null 2>&1 || owner=nobody
    chown "$owner" "$PG_WORK"
    chmod 755 "$PG_WORK"
    run=(runuser -u "$owner" --)
  fi
  if ! "${run[@]}" "$bin/initdb" -D "$PG_WORK/data" -U postgres --auth=trust --encoding=UTF8 --no-sync >"$PG_WORK/initdb.log" 2>&1 ||
     ! "${run[@]}" "$bin/pg_ctl" -D "$PG_WORK/data" -l "$PG_WORK/server.log" -w -t 60 \
         -o "-c listen_addresses='' -k $PG_WORK -c fsync=off -c full_page_writes=off" start >/dev/null; then
    echo "PostgreSQL: could not start a throwaway cluster; the PostgreSQL history tests are SKIPPED. Its log:"
    cat "$PG_WORK/initdb.log" "$PG_WORK/server.log" 2>/dev/null | tail -20
    rm -rf "$PG_WORK"
    unset PG_WORK
    return 0
  fi
  PG_CTL=("${run[@]}" "$bin/pg_ctl")
  export COMPLIANCE_TEST_POSTGRES="Host=$PG_WORK;Username=postgres;Database=postgres;Pooling=true"
  echo "PostgreSQL: $("$bin/postgres" --version) started in $PG_WORK (unix socket); history tests run against it"
}

postgres_stop() {
  if [ -n "${PG_WORK:-}" ]; then
    "${PG_CTL[@]}" -D "$PG_WORK/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$PG_WORK"
    unset PG_WORK COMPLIANCE_TEST_POSTGRES
  fi
}
