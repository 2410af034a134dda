#!/usr/bin/env bash
# gmk-bulk benchmark (issue 3 target: 10,000 distinct members in <= 8 s wall on 2 cores of the
# reference machine, memory bounded independent of the group size; judged as a ratio to ECDSA
# P-256 verify measured in the same run, 10000 / 8 / 20900 = 0.0598). Generates a KMS, the group manager's key set and N member
# URIs, then times `mcxsec mikey gmk-bulk` under /usr/bin/time -v (wall, user + system CPU, max
# RSS). The baseline comes from the same run: mikey-bench's single-thread GMK create rate times the
# thread count, i.e. what perfect scaling would give; the result is reported as that ratio
# (parallel efficiency) and as messages/s over OpenSSL ECDSA P-256 verify/s (mikey-bench's
# baseline). Not part of ctest.
#
#   bench/gmk-bulk.sh [--json] [--members N] [--threads T] [--tmpfs] [BIN_DIR]  (BIN_DIR: build/dev/bin)
set -euo pipefail
json=0 n=10000 threads=$(nproc) bin= tmpfs=0
while (($#)); do
  case $1 in
    --json) json=1 ;;
    --members) n=$2; shift ;;
    --threads) threads=$2; shift ;;
    --tmpfs) tmpfs=1 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) bin=$1 ;;
  esac
  shift
done
here=$(cd "$(dirname "$0")/.." && pwd)
bin=$(cd "${bin:-$here/build/dev/bin}" && pwd)
[[ -x $bin/mcxsec && -x $bin/mikey-bench ]] || { echo "gmk-bulk.sh: build mcxsec and mikey-bench first ($bin)" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "gmk-bulk.sh: needs GNU time (/usr/bin/time; Debian package 'time')" >&2; exit 2; }
# The messages go to one file each, under $TMPDIR (or /tmp); --tmpfs puts them on /dev/shm to
# take the file system out of the figure (creating 10,000 files in one directory costs ext4 a
# few percent of the run on an idle machine, more when other jobs use the disk).
base=${TMPDIR:-/tmp}
[[ $tmpfs == 1 && -d /dev/shm && -w /dev/shm ]] && base=/dev/shm
work=$(mktemp -d "$base/gmk-bulk.XXXXXX")
trap 'rm -rf "$work"' EXIT
at=2025-10-03T12:00:00Z

"$bin/mcxsec" kms keygen --kms-uri kms.bench.example --cert-out "$work/cert.xml" --master-out "$work/master.txt" >/dev/null
"$bin/mcxsec" kms issue --cert "$work/cert.xml" --master "$work/master.txt" --user sip:gms@bench.example \
  --at $at --out "$work/gms.xml" >/dev/null
for ((i = 1; i <= n; i++)); do printf 'sip:member%05d@bench.example\n' "$i"; done > "$work/members.txt"

# baseline, measured now on this machine: single-thread create rate (and ECDSA verify)
mb=$("$bin/mikey-bench" --json --seconds 2)
rate1=$(python3 -c 'import json,sys; d={r["name"]: r["ops_per_s"] for r in json.load(sys.stdin)["results"]}; print(d["gmk_create"])' <<<"$mb")
ecdsa=$(python3 -c 'import json,sys; d={r["name"]: r["ops_per_s"] for r in json.load(sys.stdin)["results"]}; print(d["ecdsa_p256_verify"])' <<<"$mb")

/usr/bin/time -v -o "$work/time.txt" "$bin/mcxsec" mikey gmk-bulk --cert "$work/cert.xml" --keyset "$work/gms.xml" \
  --members "$work/members.txt" --out "$work/out" --at $at --threads "$threads" --params --group-id sip:g@bench.example \
  > "$work/bulk.txt" 2>/dev/null
made=$(sed -n 's/^messages=//p' "$work/bulk.txt")
[[ $made == "$n" ]] || { echo "gmk-bulk.sh: $made of $n messages made" >&2; cat "$work/bulk.txt" >&2; exit 1; }

python3 - "$work/time.txt" "$n" "$threads" "$rate1" "$ecdsa" "$json" "$base" <<'PY'
import json, sys
tf, n, threads, rate1, ecdsa, js = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), sys.argv[6] == "1"
outbase = sys.argv[7]
t = {}
for line in open(tf):
    k, _, v = line.strip().rpartition(": ")
    t[k] = v
def secs(s):  # h:mm:ss or m:ss.ss
    p = [float(x) for x in s.split(":")]
    return sum(x * 60 ** i for i, x in enumerate(reversed(p)))
wall = secs(t["Elapsed (wall clock) time (h:mm:ss or m:ss)"])
cpu = float(t["User time (seconds)"]) + float(t["System time (seconds)"])
rss_mb = int(t["Maximum resident set size (kbytes)"]) / 1024
rate = n / wall
ideal = rate1 * threads
r = {"members": n, "threads": threads, "output_under": outbase, "wall_s": round(wall, 3), "cpu_s": round(cpu, 3),
     "max_rss_mb": round(rss_mb, 1), "messages_per_s": round(rate, 1),
     "baseline_single_thread_create_per_s": round(rate1, 1),
     "ratio_to_single_thread_x_threads": round(rate / ideal, 4),
     "ratio_to_ecdsa_p256_verify": round(rate / ecdsa, 4), "ecdsa_p256_verify_per_s": round(ecdsa, 1),
     "target_wall_s": 8.0,
     # the issue's 10,000 in 8 s on 2 cores of its reference machine (ECDSA verify ~20,900/s),
     # as a ratio to ECDSA verify: what carries over to another machine
     "target_ratio": round(10000 / 8.0 / 20900, 4),
     "target_met": rate / ecdsa >= 10000 / 8.0 / 20900,
     "target_met_absolute": n == 10000 and wall <= 8.0}
if js:
    print(json.dumps(r))
else:
    print("gmk-bulk, %d members, %d threads, messages written under %s: %.2f s wall, %.2f s CPU"
          " (%.0f%% of %d cores), max RSS %.1f MB"
          % (n, threads, outbase, wall, cpu, 100 * cpu / wall / threads, threads, rss_mb))
    print("  %.0f messages/s = %.3f x (single-thread create %.0f/s x %d threads, measured in this run)"
          % (rate, rate / ideal, rate1, threads))
    print("  = %.4f x OpenSSL ECDSA P-256 verify (%.0f/s in this run); target >= %.4f (10,000 in 8 s on"
          " the 2-core reference machine, ECDSA verify ~20,900/s): %s; absolute <= 8 s here: %s"
          % (rate / ecdsa, ecdsa, r["target_ratio"], "met" if r["target_met"] else "not met",
             "met" if r["target_met_absolute"] else "not met"))
PY
