#!/usr/bin/env bash
# The whole test suite (the README's second command): a normal build and an AddressSanitizer +
# UndefinedBehaviorSanitizer build, each with every ctest test (unit, vectors, fuzz-corpus replay,
# integration, and — in the normal build — the valgrind constant-time test), then a bounded
# libFuzzer run of every harness when clang is available (MCX_FUZZ_SECONDS, default 30).
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
fuzz_seconds=${MCX_FUZZ_SECONDS:-30}
summary=()
total_pass=0
total_fail=0

run_ctest() { # name builddir
  local log="$2/ctest.log" rc=0
  ctest --test-dir "$2" --output-on-failure -j "$jobs" --timeout 900 2>&1 | tee "$log" || rc=$?
  local line
  line=$(grep -E 'tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -n 1 || true)
  local failed total
  failed=$(sed -nE 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/p' <<<"$line")
  total=$(sed -nE 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\2/p' <<<"$line")
  [[ -n $total ]] || { failed=1; total=1; }
  total_pass=$((total_pass + total - failed))
  total_fail=$((total_fail + failed))
  summary+=("$1: $line")
  return $rc
}

status=0
echo "== normal build (build/dev) =="
cmake -S . -B build/dev -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build/dev -j "$jobs"
run_ctest normal build/dev || status=1

echo "== AddressSanitizer + UBSan build (build/asan) =="
cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMCX_SANITIZE=ON >/dev/null
cmake --build build/asan -j "$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  run_ctest sanitizers build/asan || status=1

if command -v clang >/dev/null && [[ $fuzz_seconds -gt 0 ]]; then
  echo "== libFuzzer, ${fuzz_seconds}s per harness (build/fuzz) =="
  cmake -S . -B build/fuzz -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DMCX_SANITIZE=ON -DMCX_FUZZ=ON -DMCX_TESTS=OFF >/dev/null
  cmake --build build/fuzz -j "$jobs"
  fuzz_fail=0
  fuzz_n=0
  pids=()
  for bin in build/fuzz/fuzz/fuzz_*; do
    [[ -x $bin ]] || continue
    name=${bin##*/fuzz_}
    work=build/fuzz/work/$name
    rm -rf "$work" && mkdir -p "$work/corpus" "$work/artifacts"
    cp -r fuzz/corpus/"$name"/. "$work/corpus/" 2>/dev/null || true
    fuzz_n=$((fuzz_n + 1))
    ( "$bin" -max_total_time="$fuzz_seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=0 \
        -artifact_prefix="$work/artifacts/" "$work/corpus" >"$work/log" 2>&1 \
      || { echo "fuzz $name: FAILED (see $work/log; crash inputs in $work/artifacts)"; tail -n 30 "$work/log"; exit 1; } ) &
    pids+=($!)
    if ((${#pids[@]} >= jobs)); then
      wait "${pids[0]}" || fuzz_fail=$((fuzz_fail + 1))
      pids=("${pids[@]:1}")
    fi
  done
  for p in "${pids[@]}"; do wait "$p" || fuzz_fail=$((fuzz_fail + 1)); done
  summary+=("fuzzing: $((fuzz_n - fuzz_fail)) of $fuzz_n harnesses ran ${fuzz_seconds}s without a finding")
  total_pass=$((total_pass + fuzz_n - fuzz_fail))
  total_fail=$((total_fail + fuzz_fail))
  ((fuzz_fail == 0)) || status=1
else
  summary+=("fuzzing: skipped (no clang, or MCX_FUZZ_SECONDS=0)")
fi

echo
echo "== summary =="
printf '%s\n' "${summary[@]}"
echo "$total_pass passed, $total_fail failed"
exit $status
