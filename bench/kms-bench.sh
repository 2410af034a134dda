#!/usr/bin/env bash
# KMS benchmarks (issue 4 item 12), one command from a build directory:
#
#   bench/kms-bench.sh [--quick] [--backend sqlite|pg] [--build DIR]
#
# Creates a fresh community (TLS certificate, IdMS key, KEK, database) in a temporary directory,
# starts mcxsec-kmsd on 127.0.0.1 with its rate limits off, and measures
#   (a) first-time key-set provisions/s over HTTPS with many concurrent clients (each one: token
#       verification, RSK + SSK generation and self-checks, sealing, store + audit commit),
#   (b) cert-cache requests/s (kept-alive connections, two rounds),
#   (c) `mcxsec kms issue-all --period next` for all users (100,000; --quick: 2,000), with its
#       progress bar when stderr is a terminal,
#   (d) the daemon's resident memory before, during (peak) and after (a) and (b).
# Each figure is also given as a ratio to a baseline measured in the same run: the single-thread
# crypto ceiling of one key set (ECCSI SSK issue + validation + SAKKE RSK issue + validation per
# CPU-second, `kms-bench --mode ceiling`) times the number of cores, i.e. the share of the crypto
# ceiling the server reaches; and the daemon's CPU time per request next to the crypto's, which
# says where the time goes independently of other load on the machine. Not part of ctest.
# --quick (2,000 users) takes about a minute or less.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build=$root/build/dev
backend=sqlite
quick=0
while [[ $# -gt 0 ]]; do
  case $1 in
    --quick) quick=1 ;;
    --backend) backend=$2; shift ;;
    --build) build=$(cd "$2" && pwd); shift ;;
    *) echo "usage: bench/kms-bench.sh [--quick] [--backend sqlite|pg] [--build DIR]" >&2; exit 2 ;;
  esac
  shift
done
export MCXSEC_BIN_DIR=$build/bin
[[ -x $MCXSEC_BIN_DIR/mcxsec-kmsd && -x $MCXSEC_BIN_DIR/kms-bench ]] || {
  echo "kms-bench.sh: build first (cmake --build $build)" >&2; exit 2; }
cores=$(nproc)
if ((quick)); then USERS=2000 PROV=300 CC=4000 CEIL_S=1; else USERS=100000 PROV=3000 CC=40000 CEIL_S=3; fi
CONC=${KMS_BENCH_CLIENTS:-64}

source "$root/tests/integration/lib/kms.sh"
WORK=$(mktemp -d /tmp/mcx-kms-bench.XXXXXX)
trap 'kms_stop || true; if declare -F pg_stop >/dev/null; then pg_stop; fi; rm -rf "$WORK"' EXIT
fail() { echo "kms-bench.sh: $*" >&2; exit 1; }
kv() { sed -nE "s/.*(^| )$1=([^ ]+).*/\\2/p" <<<"$2"; }
ratio() { python3 -c 'import sys; print("%.4f" % (float(sys.argv[1]) / float(sys.argv[2])))' "$1" "$2"; }
rss() { awk '/^VmRSS/ {print $2}' "/proc/$KMSD_PID/status"; }
cpu() { awk '{print $14 + $15}' "/proc/$KMSD_PID/stat"; } # daemon CPU time, clock ticks
tck=$(getconf CLK_TCK)
per_req_ms() { python3 -c 'import sys; print("%.2f" % ((int(sys.argv[2]) - int(sys.argv[1])) * 1000.0 / int(sys.argv[3]) / int(sys.argv[4])))' "$1" "$2" "$tck" "$3"; }
sample_rss() { # peak VmRSS (kB) into $1 until killed
  local peak=0 r
  while r=$(awk '/^VmRSS/ {print $2}' "/proc/$KMSD_PID/status" 2>/dev/null); do
    ((r > peak)) && { peak=$r; echo "$peak" > "$1"; }
    sleep 0.2
  done
}

echo "== kms-bench: $backend, $cores cores, $USERS users, $PROV first-time provisions, $CONC clients"
# baseline: the single-thread crypto cost of one key set, measured here, now
ceil=$("$MCXSEC_BIN_DIR/kms-bench" --mode ceiling --seconds "$CEIL_S" --db "sqlite:$WORK/ceiling.db")
echo "   $ceil"
set1=$(kv keyset "$ceil")
ceiling=$(python3 -c "print('%.2f' % ($set1 * $cores))")

KMS_THREADS=${KMS_THREADS:-$((2 * cores))} KMS_MAX_CONNECTIONS=2048 kms_setup "$backend" >/dev/null
seq 0 $((USERS - 1)) | sed 's/^/sip:user/; s/$/@example.org/' > "$WORK/users.txt"
t0=$(date +%s.%N)
"$MCX" kms --db "$DB" --quiet user add --from "$WORK/users.txt"
echo "   $USERS users added in $(python3 -c "print('%.1f' % ($(date +%s.%N) - $t0))") s"
kms_start
B=("$MCXSEC_BIN_DIR/kms-bench" --kms "$KMS_URL" --ca "$CA" --idms-key "$IDMS_KEY" --iss "$ISS" --aud "$AUD"
   --kms-uri "$KMS_URI")
rss0=$(rss)
cpu0=$(cpu)

# (a) first-time provisioning
sample_rss "$WORK/peak_a" & sp=$!
out_a=$("${B[@]}" --mode keyprov --count "$PROV" --concurrency "$CONC") || fail "provisioning: $out_a"
kill $sp; wait $sp 2>/dev/null || true
rss_a=$(rss); peak_a=$(cat "$WORK/peak_a" 2>/dev/null || echo "$rss_a")
cpu_a=$(cpu); cpu_ms_a=$(per_req_ms "$cpu0" "$cpu_a" "$PROV")
echo "   (a) $out_a"
prov=$(kv rate "$out_a"); prov=${prov%/s}

# (b) cert cache, twice (memory must not grow with the number of requests)
sample_rss "$WORK/peak_b" & sp=$!
out_b1=$("${B[@]}" --mode certcache --count "$CC" --users 200 --concurrency 32) || fail "certcache: $out_b1"
rss_b1=$(rss)
cpu_b1=$(cpu)
out_b2=$("${B[@]}" --mode certcache --count "$CC" --users 200 --concurrency 32) || fail "certcache: $out_b2"
kill $sp; wait $sp 2>/dev/null || true
rss_b2=$(rss); peak_b=$(cat "$WORK/peak_b" 2>/dev/null || echo "$rss_b2")
cpu_ms_b=$(per_req_ms "$cpu_b1" "$(cpu)" "$CC")
echo "   (b) $out_b1"
echo "   (b) $out_b2"
cc=$(kv rate "$out_b2"); cc=${cc%/s}
curl -sf "$ADMIN_URL/metrics" > "$WORK/metrics.txt" || true
kms_stop

# (c) bulk issuing for the next period (progress bar on a terminal)
t0=$(date +%s.%N)
"$MCX" kms --db "$DB" issue-all --period next --kek-file "$WORK/kek" > "$WORK/issue-all.out" \
  || fail "issue-all: $(cat "$WORK/issue-all.out")"
secs=$(sed -n 's/^seconds=//p' "$WORK/issue-all.out")
issued=$(sed -n 's/^issued=//p' "$WORK/issue-all.out")
[[ $issued == "$USERS" ]] || fail "issue-all issued $issued of $USERS"
ia=$(python3 -c "print('%.1f' % ($issued / $secs))")

echo
echo "== results (baseline: crypto ceiling = $set1 key sets/s single thread x $cores cores = $ceiling/s)"
printf '%-58s %12s %10s\n' "figure" "value" "ratio"
printf '%-58s %12s %10s\n' "(a) first-time provisions over HTTPS, $CONC clients (/s)" "$prov" "$(ratio "$prov" "$ceiling")"
printf '%-58s %12s %10s\n' "(b) cert-cache requests, 32 clients, keep-alive (/s)" "$cc" "$(ratio "$cc" "$ceiling")"
printf '%-58s %12s %10s\n' "(c) issue-all --period next, $USERS users (s)" "$secs" ""
printf '%-58s %12s %10s\n' "    = key sets/s" "$ia" "$(ratio "$ia" "$ceiling")"
printf '%-58s %12s %10s\n' "(d) daemon RSS at start (KiB)" "$rss0" ""
printf '%-58s %12s %10s\n' "    peak during (a) / after (a) (KiB)" "$peak_a / $rss_a" ""
printf '%-58s %12s %10s\n' "    peak during (b) / after round 1 / after round 2 (KiB)" "$peak_b / $rss_b1 / $rss_b2" ""
crypto_ms=$(python3 -c "print('%.2f' % (1000.0 / $set1))")
echo "daemon CPU per request: (a) $cpu_ms_a ms per first-time provision (of which the four key"
echo "  operations take $crypto_ms ms of CPU), (b) $cpu_ms_b ms per cert-cache answer"
echo "targets: (a) >= 1000/s, (b) >= 10000/s, (c) 100,000 users <= 120 s, (d) bounded"
echo "in-process single-thread costs: $(sed 's/^mode=ceiling //' <<<"$ceil")"
