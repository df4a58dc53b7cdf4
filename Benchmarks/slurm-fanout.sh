#!/usr/bin/env bash
# Skein on Slurm vs `sbatch` in a shell loop: a 500-job fan-out (1 -> 498 -> 1) through a real
# one-node Slurm. Prints end-to-end time, client CPU time and Slurm commands of each, and the
# ratios, measured in one run: ROUNDS rounds (default 3), the two alternating which goes
# first, medians compared.
#
#   Benchmarks/slurm-fanout.sh                  # starts a cluster of its own, stops it after
#   SLURM_CONF=... Benchmarks/slurm-fanout.sh   # uses a running cluster
#   JOBS=200 ROUNDS=5 SKEIN_BIN=/path/to/skein Benchmarks/slurm-fanout.sh
#   BASELINE_BIN=/path/to/older/skein Benchmarks/slurm-fanout.sh   # a fourth contender: another
#                                               # build (skein-kickstart beside it), same rounds
#
# The reference submits the same 500 jobs with `sbatch --wrap /bin/true` in a loop (the
# fan-out's dependencies as `--dependency=afterok`), then polls `squeue` every 0.5 s until the
# queue is empty, as a hand-written script would. A second loop does the same with each job run
# under skein-kickstart (record, stdout and stderr files, as Skein's jobs), so the difference
# splits into the wrapper's share and the engine's. Skein runs `skein run --batch` with a poll
# interval of 0.5 s and full records and provenance. When slurmctld's log is readable, it also
# prints how long a job of each holds its Slurm slot.
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

# --- reference: sbatch in a shell loop (run by bash under /usr/bin/time, which sees its CPU) ---
# `reference ref` runs /bin/true as the jobs; `reference refks` runs each under skein-kickstart
# with a record, stdout and stderr file as Skein's jobs do, to tell kickstart's share of the
# difference from the engine's.
reference() {
  local name=$1
  cat > "$work/reference.sh" <<'SH'
set -euo pipefail
jobs=$1; poll=$2; name=$3; kickstart=$4; folder=$5
payload() {
  if [ "$name" = refks ]; then
    echo "exec $kickstart -n noop -N job$1 -R hpc -L ref -w $folder -o $folder/$1.stdout -e $folder/$1.stderr -r $folder/$1.out -- /bin/true"
  else
    echo /bin/true
  fi
}
first=$(sbatch --parsable --job-name="$name" --output=/dev/null --wrap "$(payload 1)")
n=1
middle=()
for ((i = 2; i < jobs; i++)); do
  middle+=("$(sbatch --parsable --job-name="$name" --output=/dev/null --dependency=afterok:$first --wrap "$(payload $i)")")
  n=$((n + 1))
done
deps=$(IFS=:; echo "${middle[*]}")
sbatch --parsable --job-name="$name" --output=/dev/null --dependency=afterok:$deps --wrap "$(payload $jobs)" >/dev/null
n=$((n + 1))
q=0
while [ -n "$(squeue --noheader --me --format=%i)" ]; do
  q=$((q + 1)); sleep "$poll"
done
q=$((q + 1))
echo "sbatch $n squeue $q"
SH
  local start end folder="$work/$name.records"
  rm -rf "$folder"; mkdir -p "$folder"
  start=$(now)
  /usr/bin/time -f '%U %S' -o "$work/ref.time" bash "$work/reference.sh" "$JOBS" "$POLL" "$name" "$(dirname "$SKEIN_BIN")/skein-kickstart" "$folder" > "$work/ref.out"
  end=$(now)
  read -r sb q < <(awk '{print $2, $4}' "$work/ref.out")
  read -r u s < "$work/ref.time"
  echo "$name $(python3 -c "print($end - $start)") $(python3 -c "print($u + $s)") $((sb + q)) $q $start $end"
}

# --- Skein: plans and runs, full records and provenance ---
skein_round() {
  local round=$1 name=${2:-skein} bin=${3:-$SKEIN_BIN} log="$work/${2:-skein}.$1.log" start end lines
  lines=$(wc -l < "$jobcomp" 2>/dev/null || echo 0)
  start=$(now)
  (cd "$wf" && /usr/bin/time -f '%U %S' -o "$work/skein.time" "$bin" run workflow.yml --batch --maxjobs 1000 --sites-to-run hpc \
     --dir "$work/runs.$name.$round" --slurm-poll-interval "$POLL" --slurm-submit-rate 1000 --slurm-jobcomp "$jobcomp" > "$log")
  end=$(now)
  grep -q "^[0-9:]* workflow .* succeeded: " "$log" || { echo "skein run failed:" >&2; tail -5 "$log" >&2; exit 1; }
  # the Slurm jobs of this run (a few may complete in slurmctld's books after the run ended)
  tail -n +$((lines + 1)) "$jobcomp" 2>/dev/null | grep -o 'JobId=[0-9]*' | cut -d= -f2 >> "$work/$name.ids" || true
  local summary commands squeue u s
  summary=$(grep '^Slurm commands:' "$log")
  commands=$(echo "$summary" | sed 's/Slurm commands: \([0-9]*\).*/\1/')
  squeue=$(echo "$summary" | sed -n 's/.*squeue \([0-9]*\).*/\1/p')
  read -r u s < "$work/skein.time"
  echo "$name $(python3 -c "print($end - $start)") $(python3 -c "print($u + $s)") $commands ${squeue:-0} $start $end"
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
jobcomp_start=$(wc -l < "$jobcomp" 2>/dev/null || echo 0)
results="$work/results"
: > "$results"
for ((round = 1; round <= ROUNDS; round++)); do
  baseline() { if [ -n "${BASELINE_BIN:-}" ]; then skein_round "$round" baseline "$BASELINE_BIN" >> "$results"; fi; }
  if ((round % 2)); then reference ref >> "$results"; skein_round "$round" >> "$results"; baseline; reference refks >> "$results"
  else reference refks >> "$results"; baseline; skein_round "$round" >> "$results"; reference ref >> "$results"; fi
  printf 'round %d of %d done\n' "$round" "$ROUNDS" >&2
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

ctld_log="$(sed -n 's/^SlurmctldLogFile=//p' "$SLURM_CONF")"
python3 - "$JOBS" "$POLL" "$results" "$load_before" "$load_after" "$jobcomp" "$jobcomp_start" "$ctld_log" "$work/baseline.ids" <<'PY'
import re, statistics, sys
from datetime import datetime
jobs, poll = int(sys.argv[1]), float(sys.argv[2])
rows = {"ref": [], "refks": [], "skein": [], "baseline": []}
windows = []  # (contender, start, end) of every round, for the timeline below
labels = [("ref", "sbatch loop (ref)"), ("refks", "loop + kickstart"), ("skein", "skein run --batch")]
for line in open(sys.argv[3]):
    name, wall, cpu, commands, squeue, t0, t1 = line.split()
    rows[name].append((float(wall), float(cpu), int(commands), int(squeue)))
    windows.append((name, float(t0), float(t1)))
if rows["baseline"]: labels.append(("baseline", "baseline skein"))
med = lambda name, i: statistics.median(r[i] for r in rows[name])
print(f"Slurm fan-out of {jobs} jobs (1 -> {jobs-2} -> 1), poll interval {poll} s, one-node cluster, "
      f"{len(rows['ref'])} alternating rounds, medians; load average {sys.argv[4]} before, {sys.argv[5]} after")
print(f"{'':22}{'end-to-end s':>14}{'jobs/s':>9}{'client CPU s':>14}{'commands':>10}{'squeue':>8}")
for name, label in labels:
    print(f"{label:22}{med(name, 0):14.2f}{jobs / med(name, 0):9.1f}{med(name, 1):14.2f}{int(med(name, 2)):10d}{int(med(name, 3)):8d}")
print("rounds (end-to-end s, ref / loop + kickstart / skein): " + ", ".join(f"{r[0]:.1f}/{k[0]:.1f}/{s[0]:.1f}" for r, k, s in zip(rows["ref"], rows["refks"], rows["skein"])))
print(f"ratio skein/ref: end-to-end time {med('skein', 0) / med('ref', 0):.2f} (target <= 1.1), commands {med('skein', 2) / med('ref', 2):.2f}")
print(f"ratio (loop + kickstart)/ref: end-to-end time {med('refks', 0) / med('ref', 0):.2f}; skein/(loop + kickstart): {med('skein', 0) / med('refks', 0):.2f}")
if rows["baseline"]:
    print(f"ratio baseline skein/ref: end-to-end time {med('baseline', 0) / med('ref', 0):.2f}; skein/baseline: {med('skein', 0) / med('baseline', 0):.2f}, "
          f"client CPU {med('skein', 1) / med('baseline', 1):.2f}")
per_interval = max(s[3] / max(s[0] / poll, 1) for s in rows["skein"])
print(f"skein squeue calls per poll interval of the run: {per_interval:.2f} at most (target <= 1)")

# Where Slurm's time goes: how long each job held its slot (allocation to completion, from
# slurmctld's log) and how long the slot stayed free before the next allocation.
try:
    side = {}
    with open(sys.argv[6]) as comp:
        for number, line in enumerate(comp):
            if number < int(sys.argv[7]): continue
            f = dict(t.split("=", 1) for t in line.split() if "=" in t)
            side[int(f["JobId"])] = f.get("Name") if f.get("Name") in ("ref", "refks") else "skein"
    baseline_ids = set()
    try:
        baseline_ids = {int(x) for x in open(sys.argv[9]).read().split()}
    except OSError:
        pass
    for i in side:
        if side[i] == "skein" and i in baseline_ids: side[i] = "baseline"
    submit, alloc, done = {}, {}, {}
    # An array task is named JobId=ARRAY_TASK(ID), ID its own job id; it was submitted with its array.
    task = r"JobId=(?:(\d+)_\d+\()?(\d+)"
    array_of = {}
    events = [(submit, re.compile(r"\[(.*?)\] _slurm_rpc_submit_batch_job: " + task)),
              (alloc, re.compile(r"\[(.*?)\] (?:sched: Allocate|sched/backfill: .*?(?:Allocate|Started)) " + task)),
              (done, re.compile(r"\[(.*?)\] _job_complete: " + task + r"\)? done"))]
    with open(sys.argv[8]) as log:
        for line in log:
            for table, pattern in events:
                m = pattern.match(line)
                if m and int(m.group(3)) in side:
                    table[int(m.group(3))] = datetime.fromisoformat(m.group(1)).timestamp()
                    if m.group(2): array_of[int(m.group(3))] = int(m.group(2))
                    break
    for i, array in array_of.items():
        if array in submit: submit[i] = submit[array]
    for name, label in labels:
        ids = [i for i, s in side.items() if s == name and i in alloc and i in done]
        held = statistics.median(done[i] - alloc[i] for i in ids)
        print(f"{label}: a job holds its Slurm slot {held * 1000:.0f} ms (median of {len(ids)}, allocation to completion in slurmctld's log)")

    # Where the end-to-end time goes, per round (then medians): the root job, the hand-over to
    # the children, the children themselves, the hand-over to the join, and the end. A round's
    # jobs are those submitted between its start and end; the first submitted is the root, the
    # last the join.
    phases = [("start -> root starts", lambda t: t["root_alloc"] - t["t0"]),
              ("root's slot", lambda t: t["root_done"] - t["root_alloc"]),
              ("root ends -> 1st child starts", lambda t: t["first_child"] - t["root_done"]),
              ("children (1st start -> last end)", lambda t: t["last_child"] - t["first_child"]),
              ("last child ends -> join starts", lambda t: t["join_alloc"] - t["last_child"]),
              ("join's slot", lambda t: t["join_done"] - t["join_alloc"]),
              ("join ends -> exit", lambda t: t["t1"] - t["join_done"]),
              ("submitting the children (1st -> last sbatch)", lambda t: t["children_submitted"])]
    timelines = {}
    for name, t0, t1 in windows:
        mine = sorted(i for i in submit if t0 <= submit[i] <= t1 and i in alloc and i in done)
        if len(mine) < 3: continue
        root, join, children = mine[0], mine[-1], mine[1:-1]
        timelines.setdefault(name, []).append({
            "t0": t0, "t1": t1, "root_alloc": alloc[root], "root_done": done[root],
            "first_child": min(alloc[i] for i in children), "last_child": max(done[i] for i in children),
            "join_alloc": alloc[join], "join_done": done[join],
            "children_submitted": max(submit[i] for i in children) - min(submit[i] for i in children)})
    shown = [(name, label) for name, label in labels if name in timelines]
    print("where the time goes (s, medians of the rounds; slurmctld's log, ms resolution):")
    print(f"{'':46}" + "".join(f"{name:>10}" for name, _ in shown))
    for phase, value in phases:
        print(f"{phase:46}" + "".join(f"{statistics.median(value(t) for t in timelines[name]):10.2f}" for name, _ in shown))
    print(f"{'children per second':46}" + "".join(f"{statistics.median((jobs - 2) / max(t['last_child'] - t['first_child'], 1e-9) for t in timelines[name]):10.1f}" for name, _ in shown))
except (OSError, ValueError, KeyError, statistics.StatisticsError) as error:
    print(f"(no per-job slot times: {error})")
PY
