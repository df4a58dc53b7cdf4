#!/usr/bin/env bash
# What condorio (Skein's default, as Pegasus 5's) costs against sharedfs on the same workflow,
# in one run: every job in a sandbox of its own (one folder, inputs hard-linked in, outputs
# renamed back) and the workflow's raw inputs staged by stage_in jobs, against jobs run in the
# scratch folder itself with the replicas linked into it.
#
#   Benchmarks/sandbox-cost.sh                      # builds release into .build-bench
#   SKEIN_BIN=/path/to/skein Benchmarks/sandbox-cost.sh
#   SHAPES="fanout 2000;montage 2000" RUNS=3 MAXJOBS=2 Benchmarks/sandbox-cost.sh
#
# Each shape is made by Benchmarks/generate_io_dag.py (jobs that read and write small files,
# one process each). Each round runs `skein run WORKFLOW --batch --cleanup none` under sharedfs
# then under condorio (a pegasus.properties beside the workflow), timed with
# `/usr/bin/time -f '%e %U %S'`: wall seconds and the CPU seconds of skein and everything it
# waited for (the spawner and the jobs). The best (lowest) of RUNS rounds counts. Printed: per
# shape the two configurations' wall, CPU and user-CPU seconds and the ratios condorio/sharedfs,
# with the load average at the start. On a shared machine the system time swings with other
# processes' file work (the kernel spins on the filesystem's locks on our account): judge by
# the user-CPU ratio first, then the CPU ratio.
# Exit status 1 if a run fails or leaves a job without its record.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=Benchmarks/lib.sh
source "$ROOT/Benchmarks/lib.sh"
RUNS="${RUNS:-2}"
MAXJOBS="${MAXJOBS:-2}"
IFS=';' read -r -a SHAPES <<<"${SHAPES:-fanout 2000;montage 2000}"

say() { printf '%s\n' "$*" >&2; }
[[ -x /usr/bin/time ]] || { say "sandbox-cost.sh: needs GNU time as /usr/bin/time (apt-get install time)"; exit 1; }
SKEIN="$(skein_binary "$ROOT")"
bench_tempdir
LOAD="$(cut -d' ' -f1-3 /proc/loadavg)"

# timed LABEL DIR CONFIG: one run under CONFIG; sets W (wall s), C (user+sys s) and U (user s).
timed() {
    local dir="$2" config="$3" out
    echo "pegasus.data.configuration = $config" >"$dir/pegasus.properties"
    rm -rf "$dir/runs"
    out="$({ /usr/bin/time -f '%e %U %S' "$SKEIN" run "$dir/workflow.yml" --batch --cleanup none --maxjobs "$MAXJOBS" --dir "$dir/runs" >/dev/null; } 2>&1 | tail -n 1)" || {
        say "$1: skein run failed under $config"; return 1; }
    read -r W user sys <<<"$out"
    U="$user"
    C="$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')"
    local records
    records="$(find "$dir/runs" -name '*.out.000' | wc -l)"
    [[ "$records" -gt 0 ]] || { say "$1: no kickstart records under $config"; return 1; }
}

best() { awk -v a="$1" -v b="$2" 'BEGIN { print (a == "" || b < a) ? b : a }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }'; }

printf 'load average at start: %s; RUNS=%s MAXJOBS=%s\n' "$LOAD" "$RUNS" "$MAXJOBS"
printf '%-8s %6s | %9s %9s %9s | %9s %9s %9s | %7s %7s %7s\n' shape jobs "shared s" "sh cpu" "sh user" "condor s" "co cpu" "co user" "wall x" "cpu x" "user x"
STATUS=0
for entry in "${SHAPES[@]}"; do
    read -r shape n <<<"$entry"
    dir="$TMP/$shape"
    python3 "$ROOT/Benchmarks/generate_io_dag.py" --shape "$shape" --jobs "$n" --out "$dir" >/dev/null
    sw="" sc="" su="" cw="" cc="" cu=""
    for ((r = 1; r <= RUNS; r++)); do
        say "== $shape $n, round $r"
        timed "$shape" "$dir" sharedfs || { STATUS=1; continue 2; }
        sw="$(best "$sw" "$W")" sc="$(best "$sc" "$C")" su="$(best "$su" "$U")"
        timed "$shape" "$dir" condorio || { STATUS=1; continue 2; }
        cw="$(best "$cw" "$W")" cc="$(best "$cc" "$C")" cu="$(best "$cu" "$U")"
    done
    printf '%-8s %6s | %9s %9s %9s | %9s %9s %9s | %7s %7s %7s\n' "$shape" "$n" "$sw" "$sc" "$su" "$cw" "$cc" "$cu" \
        "$(ratio "$cw" "$sw")" "$(ratio "$cc" "$sc")" "$(ratio "$cu" "$su")"
done
exit "$STATUS"
