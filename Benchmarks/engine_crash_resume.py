#!/usr/bin/env python3
"""Runs a planned Skein run to the end through a crash: starts the engine
(`skein run RUNDIR --batch --maxjobs M`), kills it with SIGKILL once CRASH_AT of its jobs have
succeeded (counted in the run's journal, `S` lines), starts it again and waits for the end.
Used by Benchmarks/million.sh; standard library only.

    python3 Benchmarks/engine_crash_resume.py SKEIN RUNDIR --jobs N [--crash-at 0.9] [--maxjobs 2] [--resume-for S]

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
    """Reads the lines appended to the journal since the last call. The engine compacts its
    journal now and then: it renames a new journal into place, which starts with a `G N`
    line and the lines of the attempts still running. The rest of the old file is read
    through the open file first, then the new file from its start; the copied lines of
    running attempts are recognised (`open`) and not counted twice."""

    def __init__(self, path, at_end=False):
        self.path, self.f, self.ino, self.partial = path, None, None, b""
        self.open = {}  # job -> attempts started and not seen to end
        if self._open() and at_end:
            self.f.seek(0, os.SEEK_END)

    def _open(self):
        try:
            self.f = open(self.path, "rb")
        except FileNotFoundError:
            return False
        self.ino, self.partial = os.fstat(self.f.fileno()).st_ino, b""
        return True

    def _lines(self, data):
        data = self.partial + data
        lines = data.split(b"\n")
        self.partial = lines.pop()
        return lines

    def new_lines(self):
        if self.f is None and not self._open():
            return []
        lines = self._lines(self.f.read())
        try:
            replaced = os.stat(self.path).st_ino != self.ino
        except FileNotFoundError:
            replaced = False
        if replaced:
            lines += self._lines(self.f.read())
            self.f.close()
            if self._open():
                lines += self._lines(self.f.read())
        fresh = []
        for line in lines:
            parts = line.split(b" ")
            if line.startswith(b"A ") and len(parts) >= 3 and parts[2] != b"-":
                if parts[1] in self.open.get(parts[2], ()):
                    continue  # copied into a compacted journal
                self.open.setdefault(parts[2], set()).add(parts[1])
            elif line.startswith(b"P ") and len(parts) >= 4:
                continue
            elif (line.startswith(b"S ") or line.startswith(b"F ")) and len(parts) >= 3:
                self.open.pop(parts[2], None)
            fresh.append(line)
        return fresh


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
    ap.add_argument("--resume-for", type=float, default=None,
                    help="stop the resumed engine (SIGKILL) this many seconds after its first new job, "
                         "for the restart and memory figures of a run too long to finish")
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
    if killed:
        _, status, usage1 = os.wait4(p.pid, 0)
    before = time.perf_counter() - t0
    if not killed:
        sys.exit(f"the engine ended ({p.returncode}) before {crash_after} jobs succeeded ({done})")
    for line in tail.new_lines():
        if line.startswith(b"S "):
            done += 1

    # Resumed engine: how long until it launches its first new job, then to the end.
    open_attempts = tail.open
    tail = JournalTail(journal, at_end=True)
    tail.open = open_attempts
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=log, stderr=log)
    restart = None
    while restart is None and p.poll() is None:
        if any(is_launch(line) for line in tail.new_lines()):
            restart = time.perf_counter() - t0
            break
        time.sleep(0.005)
    if a.resume_for is not None and restart is not None:
        time.sleep(a.resume_for)
        if p.poll() is None:
            os.kill(p.pid, signal.SIGKILL)
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
    sys.exit(0 if code == 0 or a.resume_for is not None else 1)


if __name__ == "__main__":
    main()
