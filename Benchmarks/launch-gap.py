#!/usr/bin/env python3
"""The engine's own latency between one local job's end and the next job's launch, from a
run's stampede database (stdlib only).

    python3 Benchmarks/launch-gap.py RUNDIR/*.stampede.db [--prefix ID]

For a chain (one job at a time, e.g. `generate_io_dag.py --shape chain`), each gap is the
next attempt's start minus the previous attempt's end, both as the engine took them: the end
when the events thread read the spawner's EXITED event, the start when it sent the next
launch request. What is left of a job's added latency (the spawner's wake-ups, vfork and
exec) is outside this figure; it is what "launch first, write later" shortens. Only
meaningful for runs where one job runs at a time.
"""
import sqlite3
import statistics
import sys


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    prefix = sys.argv[3] if len(sys.argv) > 3 and sys.argv[2] == "--prefix" else "ID"
    db = sqlite3.connect(sys.argv[1])
    rows = db.execute(
        "SELECT i.start_time, i.remote_duration FROM invocation i"
        " JOIN job_instance ji USING (job_instance_id) JOIN job j USING (job_id)"
        " WHERE j.exec_job_id LIKE ? ORDER BY i.start_time", (prefix + "%",)).fetchall()
    gaps = sorted((b[0] - (a[0] + a[1])) * 1000 for a, b in zip(rows, rows[1:]))
    if not gaps:
        print("fewer than two attempts", file=sys.stderr)
        return 1
    pick = lambda q: gaps[min(len(gaps) - 1, int(q * len(gaps)))]
    print("gaps %d  mean %.3f  median %.3f  p10 %.3f  p90 %.3f ms"
          % (len(gaps), statistics.mean(gaps), statistics.median(gaps), pick(0.1), pick(0.9)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
