#!/usr/bin/env python3
"""Writes a large finished run in Pegasus's stampede schema v14, for the reports benchmark
(Benchmarks/reports.sh): a submit directory with braindump.yml, monitord files and
<label>-0.stampede.db holding N compute jobs (plus a create_dir job) in LAYERS layers, each
job depending on two jobs of the layer above, with retries and failures:

  * ~5 % of jobs fail once, then succeed on their second attempt;
  * FAIL_LAST jobs of the last layer fail all 3 attempts (dagman.RETRY 2);
  * FAIL_EARLY jobs of the next-to-last layer fail all 3 attempts, so their children never
    run (DAGMan's futile jobs);
  * every attempt has the 7 jobstate rows Skein writes, an invocation, a host among 16,
    and a little stdout / stderr text.

The schema (every CREATE statement and the dbversion row) is copied from an existing
stampede database given with --schema-from (any Skein run's *.stampede.db), so it is
exactly what Skein writes. Standard library only.

  python3 Benchmarks/generate_run_db.py --schema-from RUN/x-0.stampede.db --out DIR --jobs 100000
"""
import argparse
import os
import random
import sqlite3
import sys
import time
import urllib.parse
import uuid


def quote(text):
    return urllib.parse.quote(text, safe=" !#$&()*+,-./:;<=>?@[\\]^_`{|}~")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--schema-from", required=True, help="an existing stampede database to copy the schema from")
    ap.add_argument("--out", required=True, help="the submit directory to create")
    ap.add_argument("--jobs", type=int, default=100000)
    ap.add_argument("--layers", type=int, default=10)
    ap.add_argument("--label", default="bench")
    ap.add_argument("--fail-last", type=int, default=500)
    ap.add_argument("--fail-early", type=int, default=100)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()

    rnd = random.Random(a.seed)
    os.makedirs(a.out, exist_ok=True)
    db_path = os.path.join(a.out, f"{a.label}-0.stampede.db")
    if os.path.exists(db_path):
        os.remove(db_path)
    src = sqlite3.connect(a.schema_from)
    ddl = [row[0] for row in src.execute(
        "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY CASE type WHEN 'table' THEN 0 ELSE 1 END, rowid")]
    dbversion = src.execute("SELECT version_number, version, version_timestamp FROM dbversion").fetchall()
    src.close()

    db = sqlite3.connect(db_path)
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    for sql in ddl:
        db.execute(sql)
    db.executemany("INSERT INTO dbversion (version_number, version, version_timestamp) VALUES (?, ?, ?)", dbversion)

    wf_uuid = str(uuid.UUID(int=rnd.getrandbits(128)))
    t0 = 1_700_000_000.0
    submit_dir = os.path.abspath(a.out)
    db.execute("""INSERT INTO workflow (wf_id, wf_uuid, dag_file_name, timestamp, submit_hostname, submit_dir, planner_arguments,
                  user, planner_version, dax_label, dax_version, dax_file, db_url, parent_wf_id, root_wf_id)
                  VALUES (1, ?, ?, ?, 'bench', ?, 'generated', 'bench', '0.1.0', ?, '5.0', 'workflow.yml', ?, NULL, 1)""",
               (wf_uuid, f"{a.label}-0.dag", t0, submit_dir, a.label, "sqlite:///" + db_path))

    hosts = [(h + 1, 1, "local", f"node{h:02d}", f"10.0.0.{h + 1}", "linux", 64 * 1024 * 1024) for h in range(16)]
    db.executemany("INSERT INTO host (host_id, wf_id, site, hostname, ip, uname, total_memory) VALUES (?, ?, ?, ?, ?, ?, ?)", hosts)

    per_layer = a.jobs // a.layers
    names = ["create_dir_bench_local"] + [f"job_{i:06d}" for i in range(a.jobs)]
    layer_of = [-1] + [min(i // per_layer, a.layers - 1) for i in range(a.jobs)]
    jobs = [(1, 1, names[0], f"{names[0]}.sub", "create-dir", 0, 0, "/bin/mkdir", "-p scratch", 0)]
    tasks = []
    for i in range(a.jobs):
        n = names[i + 1]
        tr = f"tr{(i % 8)}"
        jobs.append((i + 2, 1, n, f"{n}.sub", "compute", 0, 2, f"/opt/bench/bin/{tr}", f"--in {n}.in --out {n}.out", 1))
        tasks.append((i + 1, 1, i + 2, n, tr, f"--in {n}.in --out {n}.out", "compute"))
    db.executemany("""INSERT INTO job (job_id, wf_id, exec_job_id, submit_file, type_desc, clustered, max_retries, executable, argv, task_count)
                      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", jobs)
    db.executemany("INSERT INTO task (task_id, wf_id, job_id, abs_task_id, transformation, argv, type_desc) VALUES (?, ?, ?, ?, ?, ?, ?)", tasks)

    parents = [[] for _ in names]
    edges = []
    for i in range(a.jobs):
        j = i + 1
        layer = layer_of[j]
        if layer == 0:
            parents[j] = [0]
        else:
            base = (layer - 1) * per_layer + 1
            k = i % per_layer
            parents[j] = [base + k, base + (k + 1) % per_layer]
        for p in parents[j]:
            edges.append((1, names[p], names[j]))
    db.executemany("INSERT INTO job_edge (wf_id, parent_exec_job_id, child_exec_job_id) VALUES (?, ?, ?)", edges)

    last_layer = [j for j in range(1, a.jobs + 1) if layer_of[j] == a.layers - 1]
    prev_layer = [j for j in range(1, a.jobs + 1) if layer_of[j] == a.layers - 2]
    fail_for_good = set(rnd.sample(last_layer, min(a.fail_last, len(last_layer)))) | set(rnd.sample(prev_layer, min(a.fail_early, len(prev_layer))))
    # Children of early failures never run.
    children = {}
    for j in range(1, a.jobs + 1):
        for p in parents[j]:
            children.setdefault(p, []).append(j)
    futile = set()
    for j in fail_for_good:
        for c in children.get(j, []):
            futile.add(c)
    fail_for_good -= futile

    instances, states, invocations = [], [], []
    ji = 0
    inv = 0
    seq = 0
    clock = t0 + 1
    for j in range(0, a.jobs + 1):
        if j in futile:
            continue
        if j in fail_for_good:
            outcomes = [256, 256, 256]
        elif j > 0 and rnd.random() < 0.05:
            outcomes = [256, 0]
        else:
            outcomes = [0]
        for attempt, code in enumerate(outcomes):
            ji += 1
            seq += 1
            host = rnd.randrange(16) + 1
            start = clock + rnd.random()
            run = 0.5 + rnd.random() * 20
            end = start + run
            clock += 0.01
            n = names[j]
            out_text = None
            err_text = None
            if j > 0:
                out_text = quote(f"#@ 1 stdout\n{n}: processed {rnd.randrange(1000, 99999)} records\n")
                if code != 0:
                    out_text += quote(f"#@ 1 stderr\n{n}: error: input {n}.in is corrupt (attempt {attempt + 1})\n")
                    err_text = quote(f"{n}: error: input {n}.in is corrupt (attempt {attempt + 1})\n")
            instances.append((ji, j + 1, host, seq, None, "local", "bench", "/scratch/bench", None, None, run + 0.05, None,
                              f"jobs/{j // 1000:03d}/{n}.out.{attempt:03d}", out_text,
                              f"jobs/{j // 1000:03d}/{n}.stderr.{attempt:03d}", err_text, None, 1, code))
            reason = None if code == 0 else "exit code 1"
            for k, (state, ts) in enumerate([("SUBMIT", start), ("EXECUTE", start), ("JOB_TERMINATED", end),
                                             ("JOB_SUCCESS" if code == 0 else "JOB_FAILURE", end), ("POST_SCRIPT_STARTED", end),
                                             ("POST_SCRIPT_TERMINATED", end), ("POST_SCRIPT_SUCCESS" if code == 0 else "POST_SCRIPT_FAILED", end)]):
                states.append((ji, state, ts, k + 1, reason if state in ("JOB_FAILURE", "POST_SCRIPT_FAILED") else None))
            if j > 0:
                inv += 1
                tr = f"tr{((j - 1) % 8)}"
                cpu = run * (0.3 + rnd.random() * 0.7)
                invocations.append((inv, 1, ji, 1, start, run, cpu, code, tr, f"/opt/bench/bin/{tr}", f"--in {n}.in --out {n}.out",
                                    n, 20000 + rnd.randrange(500000), cpu / run))
    db.executemany("""INSERT INTO job_instance (job_instance_id, job_id, host_id, job_submit_seq, sched_id, site, user, work_dir,
                      cluster_start, cluster_duration, local_duration, subwf_id, stdout_file, stdout_text, stderr_file, stderr_text,
                      stdin_file, multiplier_factor, exitcode) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", instances)
    db.executemany("INSERT INTO jobstate (job_instance_id, state, timestamp, jobstate_submit_seq, reason) VALUES (?, ?, ?, ?, ?)", states)
    db.executemany("""INSERT INTO invocation (invocation_id, wf_id, job_instance_id, task_submit_seq, start_time, remote_duration,
                      remote_cpu_time, exitcode, transformation, executable, argv, abs_task_id, maxrss, avg_cpu)
                      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", invocations)
    end = clock + 30
    db.executemany("INSERT INTO workflowstate (wf_id, state, timestamp, restart_count, status, reason) VALUES (?, ?, ?, ?, ?, ?)",
                   [(1, "WORKFLOW_STARTED", t0 + 1, 0, None, None), (1, "WORKFLOW_TERMINATED", end, 0, 1, "failed")])
    db.commit()
    db.close()

    with open(os.path.join(a.out, "braindump.yml"), "w") as f:
        f.write(f'user: "bench"\ngrid_dn: null\nsubmit_hostname: "bench"\nroot_wf_uuid: "{wf_uuid}"\nwf_uuid: "{wf_uuid}"\n'
                f'dax: "workflow.yml"\ndax_label: "{a.label}"\ndax_index: "0"\ndax_version: "5.0"\npegasus_wf_name: "{a.label}-0"\n'
                f'timestamp: "20231114T221321+0000"\nbasedir: "{os.path.dirname(submit_dir)}"\nsubmit_dir: "{submit_dir}"\n'
                f'planner: "generate_run_db.py"\nplanner_version: "0.1.0"\nplanner_arguments: "generated"\njsd: "jobstate.log"\n'
                f'uses_pmc: false\nproperties: "bench.properties"\ndag: "{a.label}-0.dag"\ntype: "dag"\n')
    with open(os.path.join(a.out, "bench.properties"), "w") as f:
        f.write("# generated\n")
    with open(os.path.join(a.out, "monitord.started"), "w") as f:
        f.write("pid 1\ntimestamp 2023-11-14T22:13:21+0000\n")
    with open(os.path.join(a.out, "monitord.done"), "w") as f:
        f.write("2023-11-14T22:30:00+0000 1000.000\n")
    print(f"{db_path}: {a.jobs + 1} jobs, {ji} attempts, {len(states)} jobstate rows, {inv} invocations, "
          f"{len(fail_for_good)} failed, {len(futile)} never ran", file=sys.stderr)


if __name__ == "__main__":
    main()
