#!/usr/bin/env bash
# Skein on Slurm vs `sbatch` in a shell loop: a 500-job fan-out (1 -> 498 -> 1) through a real
# one-node Slurm. Prints submit rate, Slurm commands called and end-to-end time of each, and
# the ratios, measured in one run.
#
#   Benchmarks/slurm-fanout.sh                  # starts a cluster of its own, stops it after
#   SLURM_CONF=... Benchmarks/slurm-fanout.sh   # uses a running cluster
#   JOBS=200 SKEIN_BIN=/path/to/skein Benchmarks/slurm-fanout.sh
#
# The reference submits the same 500 jobs with `sbatch --wrap /bin/true` in a loop (the
# fan-out's dependencies as `--dependency=afterok`), then polls `squeue` every 0.5 s until the
# queue is empty, as a hand-written script would. Skein runs `skein run --batch` with a poll
# interval of 0.5 s and full records and provenance.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
JOBS="${JOBS:-500}"
POLL=0.5
work="$(mktemp -d /tmp/skein-slurm-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT

if [ -z "${SLURM_CONF:-}" ]; then
  eval "$("$ROOT/scripts/slurm/cluster.sh" start "$work/cluster")"
  trap '"$ROOT/scripts/slurm/cluster.sh" stop "$work/cluster" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
fi
jobcomp="$(sed -n 's/^JobCompLoc=//p' "$SLURM_CONF")"

source "$ROOT/Benchmarks/lib.sh"
SKEIN_BIN="$(skein_binary "$ROOT")"

now() { date +%s.%N; }

# --- the workflow: fan-out of JOBS jobs on the Slurm site `hpc` ---
wf="$work/wf"
python3 "$ROOT/Benchmarks/generate_dag.py" --shape fanout --jobs "$JOBS" --out "$wf" >/dev/null
cat > "$wf/sites.yml" <<YAML
pegasus: 5.0.4
sites:
- name: local
  directories:
  - {type: sharedScratch, path: scratch, fileServers: [{url: 'file://scratch'}]}
- name: hpc
  directories:
  - {type: sharedScratch, path: scratch, fileServers: [{url: 'file://scratch'}]}
  grids:
  - {type: batch, contact: localhost, scheduler: slurm, jobtype: compute}
YAML
sed -i 's/name: local, pfn: \/bin\/true/name: hpc, pfn: \/bin\/true/; s/- name: local$/- name: hpc/' "$wf/transformations.yml"
"$SKEIN_BIN" validate "$wf/workflow.yml" -q >/dev/null

# --- reference: sbatch in a shell loop ---
ref_start=$(now)
first=$(sbatch --parsable --output=/dev/null --wrap /bin/true)
ref_sbatch=1
middle=()
for ((i = 2; i < JOBS; i++)); do
  middle+=("$(sbatch --parsable --output=/dev/null --dependency=afterok:$first --wrap /bin/true)")
  ref_sbatch=$((ref_sbatch + 1))
done
deps=$(IFS=:; echo "${middle[*]}")
sbatch --parsable --output=/dev/null --dependency=afterok:$deps --wrap /bin/true >/dev/null
ref_sbatch=$((ref_sbatch + 1))
ref_submitted=$(now)
ref_squeue=0
while [ -n "$(squeue --noheader --me --format=%i)" ]; do
  ref_squeue=$((ref_squeue + 1)); sleep "$POLL"
done
ref_squeue=$((ref_squeue + 1))
ref_end=$(now)

# --- Skein ---
log="$work/skein.log"
sk_start=$(now)
(cd "$wf" && "$SKEIN_BIN" run workflow.yml --batch --maxjobs 1000 --sites-to-run hpc --dir "$work/runs" \
   --slurm-poll-interval "$POLL" --slurm-submit-rate 1000 --slurm-jobcomp "$jobcomp" > "$log")
sk_end=$(now)
summary=$(grep '^Slurm commands:' "$log")
sk_commands=$(echo "$summary" | sed 's/Slurm commands: \([0-9]*\).*/\1/')
sk_squeue=$(echo "$summary" | sed -n 's/.*squeue \([0-9]*\).*/\1/p')
# Submit rate: from the first to the last "submitted to Slurm" line, clock seconds.
first_sub=$(grep -m1 'submitted to Slurm' "$log" | cut -c1-8)
last_sub=$(grep 'submitted to Slurm' "$log" | tail -1 | cut -c1-8)

python3 - "$JOBS" "$ref_start" "$ref_submitted" "$ref_end" "$ref_sbatch" "$ref_squeue" \
  "$sk_start" "$sk_end" "$sk_commands" "${sk_squeue:-0}" "$first_sub" "$last_sub" "$summary" <<'PY'
import sys
from datetime import datetime
j = int(sys.argv[1]); rs, rsub, re_ = map(float, sys.argv[2:5]); rsb, rsq = int(sys.argv[5]), int(sys.argv[6])
ss, se = float(sys.argv[7]), float(sys.argv[8]); scmd, ssq = int(sys.argv[9]), int(sys.argv[10])
t = lambda s: datetime.strptime(s, "%H:%M:%S")
sub_span = max(1.0, (t(sys.argv[12]) - t(sys.argv[11])).total_seconds())
ref_rate = j / max(rsub - rs, 1e-6)
print(f"Slurm fan-out of {j} jobs (1 -> {j-2} -> 1), poll interval 0.5 s, one-node cluster")
print(f"{'':22}{'end-to-end s':>14}{'jobs/s':>9}{'submit/s':>10}{'commands':>10}{'squeue':>8}")
print(f"{'sbatch loop (ref)':22}{re_-rs:14.2f}{j/(re_-rs):9.1f}{ref_rate:10.1f}{rsb+rsq:10d}{rsq:8d}")
print(f"{'skein run --batch':22}{se-ss:14.2f}{j/(se-ss):9.1f}{'>=' + format(j/sub_span, '.1f'):>10}{scmd:10d}{ssq:8d}")
print(f"ratio skein/ref: end-to-end time {(se-ss)/(re_-rs):.2f}, commands {scmd/(rsb+rsq):.2f}")
print(f"skein: {sys.argv[13]}; squeue calls per poll interval of the run: {ssq / max((se-ss)/0.5, 1):.2f} (target <= 1)")
PY
