#!/usr/bin/env bash
# Start-up cost of skein-kickstart, the wrapper around every remote job, against /bin/true.
#
#   Benchmarks/kickstart-startup.sh              # release build into .build-ks, 1000 runs each
#   RUNS=5000 Benchmarks/kickstart-startup.sh
#   KS_BIN=/path/to/skein-kickstart Benchmarks/kickstart-startup.sh   # skip the build
#
# Times, in one shell loop each, RUNS runs of
#   /bin/true
#   skein-kickstart -r /dev/null /bin/true      (wrapper + the same job + a full success record)
# and prints the total and per-run milliseconds of both and their ratio. The wrapper starts two
# processes where /bin/true starts one, so about 2x is the floor; docs/ARCHITECTURE.md budgets
# ~2 ms for a Glibc-only Swift program with the stdlib linked statically.
# Progress goes to stderr, the table to stdout. Exit status is non-zero only if a setup step fails.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS="${RUNS:-1000}"

if [[ -n "${KS_BIN:-}" ]]; then
    KS="$KS_BIN"
else
    echo "building skein-kickstart (release, .build-ks)" >&2
    (cd "$ROOT" && swift build -c release --scratch-path .build-ks --product skein-kickstart >&2)
    KS="$ROOT/.build-ks/release/skein-kickstart"
fi
[[ -x "$KS" ]] || { echo "no executable at $KS" >&2; exit 1; }
"$KS" -r /dev/null /bin/true || { echo "$KS -r /dev/null /bin/true failed" >&2; exit 1; }

# Milliseconds (with fractions) taken by RUNS runs of the given command.
measure() {
    local start end i
    start=$(date +%s%N)
    for ((i = 0; i < RUNS; i++)); do "$@"; done
    end=$(date +%s%N)
    awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", (b - a) / 1000000 }'
}

echo "warming up" >&2
RUNS_SAVED=$RUNS; RUNS=50
measure /bin/true >/dev/null
measure "$KS" -r /dev/null /bin/true >/dev/null
RUNS=$RUNS_SAVED

echo "timing $RUNS runs each" >&2
true_ms=$(measure /bin/true)
ks_ms=$(measure "$KS" -r /dev/null /bin/true)

awk -v runs="$RUNS" -v t="$true_ms" -v k="$ks_ms" 'BEGIN {
    printf "%-44s %10s %10s\n", "command (" runs " runs)", "total ms", "ms/run"
    printf "%-44s %10.1f %10.3f\n", "/bin/true", t, t / runs
    printf "%-44s %10.1f %10.3f\n", "skein-kickstart -r /dev/null /bin/true", k, k / runs
    printf "ratio skein-kickstart / true: %.2f\n", k / t
}'
