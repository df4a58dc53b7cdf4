#!/usr/bin/env bash
# Start-up of the `skein` command itself: what every command (and every plan and engine start,
# which a 1,000-job chain pays per 1,000 jobs) costs before it does any work.
#
#   Benchmarks/command-startup.sh                           # release build into .build-bench
#   BASELINE_BIN=/path/to/old/skein Benchmarks/command-startup.sh   # the previous version beside it
#   SKEIN_BIN=/path/to/skein RUNS=50 ROUNDS=5 Benchmarks/command-startup.sh
#
# Times, in a shell loop, RUNS runs each of
#   /bin/true                        the floor: a process start
#   skein --version                  start-up and argument parsing only
#   skein validate WF                a 2-job workflow with its catalogs
#   skein plan WF + skein run --batch the same workflow planned and run to the end
# for this build (and BASELINE_BIN when given), alternating the contenders for ROUNDS rounds; the
# best round of each counts (load from other work distorts it less). Prints wall milliseconds
# per run and the ratios to the baseline. Table on stdout, progress on stderr.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS="${RUNS:-30}"
ROUNDS="${ROUNDS:-3}"
say() { printf '%s\n' "$*" >&2; }

source "$ROOT/Benchmarks/lib.sh"
SKEIN="$(skein_binary "$ROOT")"
BINS=("$SKEIN")
[[ -n "${BASELINE_BIN:-}" ]] && BINS+=("$BASELINE_BIN")

WORK="$(mktemp -d "${TMPDIR:-/tmp}/skein-startup.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
export SKEIN_STATE_DIR="$WORK/state"
python3 "$ROOT/Benchmarks/generate_io_dag.py" --shape chain --jobs 2 --out "$WORK/wf" >/dev/null

now_ms() { date +%s%N | awk '{ printf "%.3f", $1 / 1e6 }'; }

# per_run_ms CMD...: RUNS runs of CMD (output discarded); prints wall ms per run.
per_run_ms() {
    local start end
    start=$(now_ms)
    for ((i = 0; i < RUNS; i++)); do "$@" >/dev/null 2>&1 || { say "failed: $*"; exit 1; }; done
    end=$(now_ms)
    awk -v s="$start" -v e="$end" -v n="$RUNS" 'BEGIN { printf "%.2f", (e - s) / n }'
}

plan_and_run() {  # BIN
    local dir
    dir="$(mktemp -d "$WORK/runs.XXXXXX")"
    "$1" plan "$WORK/wf/workflow.yml" --dir "$dir" --cleanup none --conf "$WORK/wf/pegasus.properties" >/dev/null 2>&1 || return 1
    "$1" run "$(ls -d "$dir"/*/run* | head -n 1)" --batch
}

declare -A BEST
best() {  # KEY VALUE: keeps the lowest
    local key="$1" value="$2"
    if [[ -z "${BEST[$key]:-}" ]] || awk -v a="$value" -v b="${BEST[$key]}" 'BEGIN { exit !(a < b) }'; then BEST[$key]="$value"; fi
}

for ((r = 1; r <= ROUNDS; r++)); do
    say "round $r"
    best true "$(per_run_ms /bin/true)"
    for ((b = 0; b < ${#BINS[@]}; b++)); do
        bin="${BINS[$(((b + r - 1) % ${#BINS[@]}))]}"
        best "$bin version" "$(per_run_ms "$bin" --version)"
        best "$bin validate" "$(per_run_ms "$bin" validate "$WORK/wf/workflow.yml")"
        best "$bin plan+run" "$(per_run_ms plan_and_run "$bin")"
    done
done

echo "skein start-up: best of $ROUNDS rounds of $RUNS runs, wall ms per run; host $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-10s %12s' "command" "/bin/true"
for bin in "${BINS[@]}"; do printf ' %12s' "$([[ "$bin" == "$SKEIN" ]] && echo this || echo baseline)"; done
[[ ${#BINS[@]} -gt 1 ]] && printf ' %16s' "this/baseline"
echo
for command in version validate plan+run; do
    printf '%-10s %12s' "$command" "${BEST[true]}"
    for bin in "${BINS[@]}"; do printf ' %12s' "${BEST[$bin $command]}"; done
    [[ ${#BINS[@]} -gt 1 ]] && printf ' %16s' "$(awk -v a="${BEST[$SKEIN $command]}" -v b="${BEST[${BINS[1]} $command]}" 'BEGIN { printf "%.2f", a / b }')"
    echo
done
echo "this: $SKEIN${BASELINE_BIN:+; baseline: $BASELINE_BIN}"
