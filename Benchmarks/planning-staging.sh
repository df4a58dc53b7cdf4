#!/usr/bin/env bash
# Planning overhead of data management: a montage workflow planned with staging and cleanup
# against the same workflow planned without them, in one run.
#
#   Benchmarks/planning-staging.sh                   # build release into .build-bench, 10,000 jobs
#   SKEIN_BIN=/path/to/skein Benchmarks/planning-staging.sh
#   JOBS=100000 RUNS=5 Benchmarks/planning-staging.sh
#
# It generates a montage-shaped workflow (Benchmarks/generate_montage.py) and plans it twice
# with `skein plan`, best of RUNS (3) runs each:
#   without  local replicas (file paths) under sharedfs, `--cleanup none`, no output site: no
#            stage-in, stage-out, cleanup or registration job is added;
#   with     the default data configuration (condorio: a sandbox per job) and the same
#            replicas as http:// URLs (stage_in_* jobs fetch them; nothing is fetched
#            while planning), `-o local` (stage_out_* jobs for the stageOut: true results) and
#            the default in-place cleanup (clean_up_* jobs).
# Both include process start-up, reading and validating the workflow and its catalogs, every
# planner pass and writing plan.json. The ratio with/without is printed with PASS (<= 2) or FAIL.
#
# Target (issue 10): a 10,000-job montage with staging and cleanup plans in <= 2x the time
# without them. Exit status: 1 if a plan fails (or a setup step); a missed target is reported
# as FAIL but does not change the exit status.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JOBS="${JOBS:-10000}"
RUNS="${RUNS:-3}"
TARGET_RATIO=2

say() { printf '%s\n' "$*" >&2; }

source "$ROOT/Benchmarks/lib.sh"
SKEIN="$(skein_binary "$ROOT")"
[[ -x "$SKEIN" ]] || { say "skein binary not found at $SKEIN"; exit 1; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/skein-bench-staging.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
export SKEIN_STATE_DIR="$WORK/state"

say "generating a $JOBS-job montage"
python3 "$ROOT/Benchmarks/generate_montage.py" --jobs "$JOBS" --out "$WORK/local" >&2
# The same workflow with every replica at a URL instead of a local path.
mkdir -p "$WORK/remote"
cp "$WORK/local/workflow.yml" "$WORK/local/sites.yml" "$WORK/local/transformations.yml" "$WORK/remote/"
sed -e "s|^    pfn: $WORK/local/inputs/|    pfn: http://127.0.0.1:9/inputs/|" -e 's|^  - site: local$|  - site: web|' \
    "$WORK/local/replicas.yml" >"$WORK/remote/replicas.yml"
grep -q 'pfn: http://' "$WORK/remote/replicas.yml" || { say "could not rewrite the replicas as URLs"; exit 1; }
# Without: sharedfs, where jobs read local replicas in place (under condorio, Skein's default
# as Pegasus's, they would be staged too). With: the default.
echo "pegasus.data.configuration = sharedfs" >"$WORK/local/pegasus.properties"

# plan_seconds LABEL DIR ARGS...: best wall seconds of RUNS plans; prints the job kinds of the last.
plan_seconds() {
    local label="$1" dir="$2"; shift 2
    local best="" run start end seconds out
    for ((run = 1; run <= RUNS; run++)); do
        start=$(date +%s.%N)
        out="$("$SKEIN" plan "$dir/workflow.yml" --dir "$WORK/runs-$label" "$@")" || { say "skein plan failed ($label): $out"; exit 1; }
        end=$(date +%s.%N)
        seconds=$(python3 -c "print(f'{$end - $start:.3f}')")
        say "  $label run $run: $seconds s"
        if [[ -z "$best" ]] || python3 -c "import sys; sys.exit(0 if $seconds < $best else 1)"; then best="$seconds"; fi
    done
    local plan
    plan="$(printf '%s\n' "$out" | sed -n 's/^run directory: //p')/plan.json"
    KINDS="$(python3 -c "
import collections, json, sys
kinds = collections.Counter(j['kind'] for j in json.load(open(sys.argv[1]))['jobs'])
print(', '.join(f'{n} {k}' for k, n in sorted(kinds.items())))" "$plan")"
    BEST="$best"
}

say "planning without staging and cleanup"
plan_seconds without "$WORK/local" --cleanup none
WITHOUT="$BEST"; WITHOUT_KINDS="$KINDS"
say "planning with staging (URL replicas, -o local) and in-place cleanup"
plan_seconds with "$WORK/remote" -o local
WITH="$BEST"; WITH_KINDS="$KINDS"

RATIO=$(python3 -c "print(f'{$WITH / $WITHOUT:.2f}')")
printf 'planning a %s-job montage, best of %s (skein: %s)\n' "$JOBS" "$RUNS" "$SKEIN"
printf '  without staging/cleanup: %8s s   jobs: %s\n' "$WITHOUT" "$WITHOUT_KINDS"
printf '  with staging/cleanup:    %8s s   jobs: %s\n' "$WITH" "$WITH_KINDS"
printf '  ratio with/without:      %8s x   (target <= %s)\n' "$RATIO" "$TARGET_RATIO"
if python3 -c "import sys; sys.exit(0 if $RATIO <= $TARGET_RATIO else 1)"; then echo "PASS"; else echo "FAIL"; fi
