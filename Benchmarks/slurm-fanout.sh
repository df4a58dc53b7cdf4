#!/usr/bin/env bash
# Skein on Slurm vs `sbatch` in a shell loop: a 500-job fan-out (1 -> 498 -> 1) through a real
# one-node Slurm. Prints end-to-end time, client CPU time and Slurm commands of each, and the
# ratios, measured in one run: ROUNDS rounds (default 3), the two alternating which goes
# first, medians compared.
#
#   Benchmarks/slurm-fanout.sh                  # starts a cluster of its own, stops it after
#   SLURM_CONF=... Benchmarks/slurm-fanout.sh   # uses a running cluster
#   JOBS=200 ROUNDS=5 SKEIN_BIN=/path/to/skein Benchmarks/slurm-fanout.sh
#
# The reference submits the same 500 jobs with `sbatch --wrap /bin/true` in a loop (the
# fan-out's dependencies as `--dependency=afterok`), then polls `squeue` every 0.5 s until the
# queue is empty, as a hand-written script would. Skein runs `skein run --batch` with a poll
# interval of 0.5 s and full records and provenance.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
JOBS="${JOBS:-500}"
ROUNDS="${ROUNDS:-3}"
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

# --- reference: sbatch in a shell loop (run under `bash -c` so /usr/bin/time sees its CPU) ---
reference() {
  cat > "$work/reference.sh" <<'SH'
set -euo pipefail
jobs=$1; poll=$2
first=$(sbatch --parsable --output=/dev/null --wrap /bin/true)
n=1
middle=()
for ((i = 2; i < jobs; i++)); do
  middle+=("$(sbatch --parsable --output=/dev/null --dependency=afterok:$first --wrap /bin/true)")
  n=$((n + 1))
done
deps=$(IFS=:; echo "${middle[*]}")
sbatch --parsable --output=/dev/null --dependency=afterok:$deps --wrap /bin/true >/dev/null
n=$((n + 1))
q=0
while [ -n "$(squeue --noheader --me --format=%i)" ]; do
  q=$((q + 1)); sleep "$poll"
done
q=$((q + 1))
echo "sbatch $n squeue $q"
SH
  local start end
  start=$(now)
  /usr/bin/time -f '%U %S' -o "$work/ref.time" bash "$work/reference.sh" "$JOBS" "$POLL" > "$work/ref.out"
  end=$(now)
  read -r sb q < <(awk '{print $2, $4}' "$work/ref.out")
  read -r u s < "$work/ref.time"
  echo "ref $(python3 -c "print($end - $start)") $(python3 -c "print($u + $s)") $((sb + q)) $q"
}

# --- Skein: plans and runs, full records and provenance ---
skein_round() {
  local round=$1 log="$work/skein.$1.log" start end
  start=$(now)
  (cd "$wf" && /usr/bin/time -f '%U %S' -o "$work/skein.time" "$SKEIN_BIN" run workflow.yml --batch --maxjobs 1000 --sites-to-run hpc \
     --dir "$work/runs.$round" --slurm-poll-interval "$POLL" --slurm-submit-rate 1000 --slurm-jobcomp "$jobcomp" > "$log")
  end=$(now)
  grep -q "^[0-9:]* workflow .* succeeded: " "$log" || { echo "skein run failed:" >&2; tail -5 "$log" >&2; exit 1; }
  local summary commands squeue u s
  summary=$(grep '^Slurm commands:' "$log")
  commands=$(echo "$summary" | sed 's/Slurm commands: \([0-9]*\).*/\1/')
  squeue=$(echo "$summary" | sed -n 's/.*squeue \([0-9]*\).*/\1/p')
  read -r u s < "$work/skein.time"
  echo "skein $(python3 -c "print($end - $start)") $(python3 -c "print($u + $s)") $commands ${squeue:-0}"
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
results="$work/results"
: > "$results"
for ((round = 1; round <= ROUNDS; round++)); do
  if ((round % 2)); then reference >> "$results"; skein_round "$round" >> "$results"
  else skein_round "$round" >> "$results"; reference >> "$results"; fi
  printf 'round %d of %d done\n' "$round" "$ROUNDS" >&2
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

python3 - "$JOBS" "$POLL" "$results" "$load_before" "$load_after" <<'PY'
import statistics, sys
jobs, poll = int(sys.argv[1]), float(sys.argv[2])
rows = {"ref": [], "skein": []}
for line in open(sys.argv[3]):
    name, wall, cpu, commands, squeue = line.split()
    rows[name].append((float(wall), float(cpu), int(commands), int(squeue)))
med = lambda name, i: statistics.median(r[i] for r in rows[name])
print(f"Slurm fan-out of {jobs} jobs (1 -> {jobs-2} -> 1), poll interval {poll} s, one-node cluster, "
      f"{len(rows['ref'])} alternating rounds, medians; load average {sys.argv[4]} before, {sys.argv[5]} after")
print(f"{'':22}{'end-to-end s':>14}{'jobs/s':>9}{'client CPU s':>14}{'commands':>10}{'squeue':>8}")
for name, label in (("ref", "sbatch loop (ref)"), ("skein", "skein run --batch")):
    print(f"{label:22}{med(name, 0):14.2f}{jobs / med(name, 0):9.1f}{med(name, 1):14.2f}{int(med(name, 2)):10d}{int(med(name, 3)):8d}")
print("rounds (end-to-end s, ref / skein): " + ", ".join(f"{r[0]:.1f}/{s[0]:.1f}" for r, s in zip(rows["ref"], rows["skein"])))
print(f"ratio skein/ref: end-to-end time {med('skein', 0) / med('ref', 0):.2f} (target <= 1.1), commands {med('skein', 2) / med('ref', 2):.2f}")
per_interval = max(s[3] / max(s[0] / poll, 1) for s in rows["skein"])
print(f"skein squeue calls per poll interval of the run: {per_interval:.2f} at most (target <= 1)")
PY
