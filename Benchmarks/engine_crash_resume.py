#!/usr/bin/env python3
"""Runs a planned Skein run to the end through a crash: starts the engine
(`skein run RUNDIR --batch --maxjobs M`), kills it with SIGKILL once CRASH_AT of its jobs have
succeeded (counted in the run's journal, `S` lines), starts it again and waits for the end.
Used by Benchmarks/million.sh; standard library only.

    python3 Benchmarks/engine_crash_resume.py SKEIN RUNDIR --jobs N [--crash-at 0.9] [--maxjobs 2]

Prints one line of JSON:
  ready_s        fresh engine: start -> first job launched (first `A` line of a job)
  before_s       fresh engine: start -> killed; before_done = jobs succeeded by then
  restart_s      resumed engine: start -> first new job launched (the crash-resume figure)
  after_s        resumed engine: start -> exit (its exit code in after_exit)
  peak_mib       the highest peak RSS of the two engine processes (wait4's ru_maxrss)
  jobs_per_s     N / (before_s + after_s): the whole run, crash and restart included
  before_jobs_per_s  before_done / before_s: the run before the crash, uninterrupted
The journal is polled every 5 ms by reading only what was appended since the last poll.
"""
import argparse
import json
import os
import signal
import subprocess
import sys
import time


class JournalTail:
    """Reads the lines appended to the journal since the last call."""

    def __init__(self, path, offset=0):
        self.path, self.offset, self.partial = path, offset, b""

    def new_lines(self):
        try:
            with open(self.path, "rb") as f:
                f.seek(self.offset)
                data = f.read()
        except FileNotFoundError:
            return []
        self.offset += len(data)
        data = self.partial + data
        lines = data.split(b"\n")
        self.partial = lines.pop()
        return lines


def is_launch(line):
    # `A ATTEMPT JOB`; `A 0 -` marks an engine start, not a job.
    return line.startswith(b"A ") and not line.endswith(b" -")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("skein")
    ap.add_argument("run")
    ap.add_argument("--jobs", type=int, required=True, help="jobs in the run (for the crash point and jobs/s)")
    ap.add_argument("--crash-at", type=float, default=0.9)
    ap.add_argument("--maxjobs", type=int, default=2)
    a = ap.parse_args()

    journal = os.path.join(a.run, "engine.journal")
    cmd = [a.skein, "run", a.run, "--batch", "--maxjobs", str(a.maxjobs)]
    crash_after = int(a.jobs * a.crash_at)
    log = open(os.path.join(a.run, "..", f"engine-bench-{os.path.basename(a.run)}.log"), "ab")

    # Fresh engine, killed at the crash point.
    tail = JournalTail(journal)
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=log, stderr=log)
    ready, done, killed = None, 0, False
    while True:
        for line in tail.new_lines():
            if ready is None and is_launch(line):
                ready = time.perf_counter() - t0
            elif line.startswith(b"S "):
                done += 1
        if done >= crash_after and crash_after > 0:
            os.kill(p.pid, signal.SIGKILL)
            killed = True
            break
        if p.poll() is not None:
            break
        time.sleep(0.005)
    _, status, usage1 = os.wait4(p.pid, 0)
    before = time.perf_counter() - t0
    if not killed:
        sys.exit(f"the engine ended ({os.waitstatus_to_exitcode(status)}) before {crash_after} jobs succeeded ({done})")
    for line in tail.new_lines():
        if line.startswith(b"S "):
            done += 1

    # Resumed engine: how long until it launches its first new job, then to the end.
    tail = JournalTail(journal, os.path.getsize(journal))
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=log, stderr=log)
    restart = None
    while restart is None and p.poll() is None:
        if any(is_launch(line) for line in tail.new_lines()):
            restart = time.perf_counter() - t0
            break
        time.sleep(0.005)
    _, status, usage2 = os.wait4(p.pid, 0)
    after = time.perf_counter() - t0
    code = os.waitstatus_to_exitcode(status)
    print(json.dumps({
        "ready_s": round(ready or 0, 3), "before_s": round(before, 3), "before_done": done,
        "restart_s": round(restart or after, 3), "after_s": round(after, 3), "after_exit": code,
        "peak_mib": round(max(usage1.ru_maxrss, usage2.ru_maxrss) / 1024, 1),
        "cpu_s": round(usage1.ru_utime + usage1.ru_stime + usage2.ru_utime + usage2.ru_stime, 2),
        "jobs_per_s": round(a.jobs / (before + after), 1),
        "before_jobs_per_s": round(done / before, 1),
    }))
    sys.exit(0 if code == 0 else 1)


if __name__ == "__main__":
    main()
