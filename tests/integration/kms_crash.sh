#!/usr/bin/env bash
# Crash consistency (issue 4 item 10): 1,000 concurrent first-time provisioning requests over HTTPS,
# mcxsec-kmsd killed with SIGKILL while they run, restarted; every key set it had answered before
# the kill must be returned identically afterwards, and `mcxsec kms check` must pass: the database's
# own check (SQLite integrity_check, PostgreSQL amcheck), every stored key set opens, the audit
# chain verifies. Run on SQLite and on a real PostgreSQL server.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/kms.sh"
ROOT=$(mktemp -d /tmp/mcx-kms-crash.XXXXXX)
trap 'kms_stop || true; if declare -F pg_stop >/dev/null; then pg_stop; fi; rm -rf "$ROOT"' EXIT
N=${KMS_CRASH_REQUESTS:-1000}
C=${KMS_CRASH_CONCURRENCY:-1000}

crash() {
  local backend=$1
  WORK=$ROOT/$backend
  echo "=== crash test on $backend: $N requests, $C concurrent ==="
  KMS_THREADS=8 kms_setup "$backend"
  seq 0 $((N - 1)) | sed 's/^/sip:user/; s/$/@example.org/' > "$WORK/users.txt"
  "$MCX" kms --db "$DB" --quiet user add --from "$WORK/users.txt"
  kms_start
  mkdir -p "$WORK/before" "$WORK/after"
  local bench=("$B/kms-bench" --kms "$KMS_URL" --ca "$CA" --idms-key "$IDMS_KEY" --iss "$ISS" --aud "$AUD"
               --kms-uri "$KMS_URI" --mode keyprov --count "$N")
  # every request in flight at once: one client thread and one connection per request
  "${bench[@]}" --concurrency "$C" --no-keepalive --allow-errors --save "$WORK/before" > "$WORK/bench1.out" 2>&1 &
  local bpid=$!
  # kill once a good part (but not all) of the answers are out
  local want=$((N / 4))
  for _ in $(seq 1 600); do
    (( $(ls "$WORK/before" | wc -l) >= want )) && break
    kill -0 $bpid 2>/dev/null || break
    sleep 0.05
  done
  kms_kill9
  wait $bpid || true
  local answered; answered=$(ls "$WORK/before" | wc -l)
  cat "$WORK/bench1.out"
  echo "killed mcxsec-kmsd with SIGKILL after $answered answered key sets"
  (( answered > 0 )) || fail "no request was answered before the kill"
  (( answered < N )) || echo "note: every request was answered before the kill landed"
  # integrity of the database after the crash: SQLite integrity_check / PostgreSQL amcheck, every
  # stored key set opens, the audit chain verifies
  "$MCX" kms --db "$DB" check --kek-file "$WORK/kek" > "$WORK/check.out" || { cat "$WORK/check.out"; fail "mcxsec kms check after SIGKILL"; }
  if [[ $backend == pg ]]; then grep -q 'amcheck: 8 B-tree indexes' "$WORK/check.out" || fail "amcheck did not run"; fi
  grep -q '^bad=0$' "$WORK/check.out" && grep -q '^audit=ok$' "$WORK/check.out" || fail "check report"
  echo "ok   database integrity, $(sed -n 's/^opened=//p' "$WORK/check.out") key sets open, audit chain, after SIGKILL"
  kms_start
  "${bench[@]}" --concurrency 32 --save "$WORK/after" > "$WORK/bench2.out" 2>&1 || { cat "$WORK/bench2.out"; fail "after restart not every request succeeded"; }
  local diffs=0
  for f in "$WORK/before"/*.xml; do
    local g=$WORK/after/${f##*/}
    cmp -s <(sed -E 's#<Time>[^<]*</Time>##' "$f") <(sed -E 's#<Time>[^<]*</Time>##' "$g") || diffs=$((diffs + 1))
  done
  (( diffs == 0 )) || fail "$diffs answered key sets changed after the crash"
  echo "ok   all $answered key sets answered before the crash are returned identically after restart"
  kms_stop
  if [[ $backend == pg ]]; then pg_stop; fi
}

crash sqlite
( trap 'kms_stop || true; if declare -F pg_stop >/dev/null; then pg_stop; fi' EXIT; crash pg )
