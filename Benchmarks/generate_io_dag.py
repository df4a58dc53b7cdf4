#!/usr/bin/env python3
"""Write a WfCommons-shaped workflow whose jobs do real small-file I/O, for Skein, make and
Snakemake alike.

    python3 Benchmarks/generate_io_dag.py --shape montage --jobs 10000 --out /tmp/io

writes into /tmp/io:

    job.sh              what every job of every tool runs: `/bin/sh job.sh ID OUTPUT... -- INPUT...`
                        reads each input line by line (shell builtins only, so a job is exactly one
                        process) and writes each output (one line: job id, file, bytes read)
    inputs/             the workflow's raw inputs, one small file per distinct name
    workflow.yml        Pegasus 5.0: one job per task, files as `uses` and NO jobDependencies, so the
    sites.yml           DAG comes from the files; site `local` (sharedScratch OUT/scratch on a shared
    transformations.yml file system), every transformation /bin/sh; replicas point into inputs/;
    replicas.yml        pegasus.properties selects the sharedfs data configuration
    pegasus.properties
    Makefile            one rule per job: its outputs as (grouped) targets, its inputs as
                        prerequisites, the same single command as recipe; `all` builds every output
    Snakefile           one rule per job, the same command as `shell:`; `rule all` wants every output

make and Snakemake run in a fresh folder holding symbolic links to inputs/* (made before the
timed run); Skein links the replicas into its scratch folder itself. Standard library only.

Shapes (N = --jobs; the job count is exact except for epigenomics, whose lanes fix it to the
nearest count the shape allows, printed):

    chain        job k reads c_{k-1} (c_0 an input), writes c_k: no parallelism at all
    fanout       split reads input.dat, writes split.dat; N-2 workers read it and write w_k;
                 join reads every w_k
    montage      the jobs and files of generate_montage.py (mProject, mDiffFit, mConcatFit,
                 mBgModel, mBackground, mImgtbl, mAdd, mViewer)
    epigenomics  WfCommons' epigenomics: per lane fastqSplit -> chunks of filterContams ->
                 sol2sanger -> fast2bfq -> map -> one mapMerge per lane; then mapMerge of the
                 lanes, maqIndex, pileup
"""

import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no __pycache__ in the repo
from generate_montage import plan as montage_plan, MontageJobs, MIN_JOBS as MONTAGE_MIN_JOBS  # noqa: E402

HEADER = ("x-pegasus:\n"
          "  apiLang: python\n"
          "  createdBy: skein-bench\n"
          "  createdOn: 12-03-26T07:00:00Z\n"
          "pegasus: 5.0.4\n")

JOB_SH = """\
# What every job of the benchmark runs, for every tool: /bin/sh job.sh ID OUTPUT... -- INPUT...
# Reads each input line by line and writes each output (one line: the job, the file, the bytes
# read). Shell builtins only, so a job is exactly one process. Written by generate_io_dag.py.
id=$1
shift
outputs=
while [ $# -gt 0 ] && [ "$1" != -- ]; do outputs="$outputs $1"; shift; done
[ $# -gt 0 ] && shift
bytes=0
for input; do
    while IFS= read -r line || [ -n "$line" ]; do bytes=$((bytes + ${#line} + 1)); done < "$input"
done
for output in $outputs; do printf '%s %s %d\\n' "$id" "$output" "$bytes" > "$output"; done
"""


class Job:
    __slots__ = ("id", "name", "outputs", "inputs")

    def __init__(self, jid, name, outputs, inputs):
        self.id, self.name, self.outputs, self.inputs = jid, name, outputs, inputs


def job_id(k):
    return f"ID{k:07d}"


def chain(n):
    jobs = [Job(job_id(k), "step", [f"c_{k:06d}.dat"], [f"c_{k - 1:06d}.dat"]) for k in range(1, n + 1)]
    return jobs, ["c_000000.dat"]


def fanout(n):
    if n < 3:
        sys.exit("generate_io_dag.py: --shape fanout needs --jobs >= 3")
    workers = [Job(job_id(k + 2), "work", [f"w_{k:06d}.dat"], ["split.dat"]) for k in range(n - 2)]
    jobs = [Job(job_id(1), "split", ["split.dat"], ["input.dat"])] + workers
    jobs.append(Job(job_id(n), "join", ["join.dat"], [w.outputs[0] for w in workers]))
    return jobs, ["input.dat"]


def montage(n):
    if n < MONTAGE_MIN_JOBS:
        sys.exit(f"generate_io_dag.py: --shape montage needs --jobs >= {MONTAGE_MIN_JOBS}")
    w, _cols, pairs = montage_plan(n)
    ids = MontageJobs(w, pairs)
    raw = lambda i: f"raw_{i:06d}.fits"
    p = lambda i: f"p_{i:06d}.fits"
    pa = lambda i: f"p_{i:06d}_area.fits"
    fit = lambda k: f"fit_{k:06d}.txt"
    c = lambda i: f"c_{i:06d}.fits"
    ca = lambda i: f"c_{i:06d}_area.fits"
    jobs = [Job(ids.proj(i), "mProject", [p(i), pa(i)], [raw(i), "region.hdr"]) for i in range(w)]
    jobs += [Job(ids.diff(k), "mDiffFit", [fit(k)], [p(a), pa(a), p(b), pa(b)]) for k, (a, b) in enumerate(pairs)]
    jobs.append(Job(ids.concat, "mConcatFit", ["fits.tbl"], [fit(k) for k in range(len(pairs))]))
    jobs.append(Job(ids.bgmodel, "mBgModel", ["corrections.tbl"], ["fits.tbl", "region.hdr"]))
    jobs += [Job(ids.back(i), "mBackground", [c(i), ca(i)], [p(i), pa(i), "corrections.tbl"]) for i in range(w)]
    jobs.append(Job(ids.imgtbl, "mImgtbl", ["cimages.tbl"], [c(i) for i in range(w)]))
    add_inputs = ["cimages.tbl", "region.hdr"] + [f for i in range(w) for f in (c(i), ca(i))]
    jobs.append(Job(ids.add, "mAdd", ["mosaic.fits", "mosaic_area.fits"], add_inputs))
    jobs.append(Job(ids.viewer, "mViewer", ["mosaic.png"], ["mosaic.fits"]))
    jobs.sort(key=lambda j: j.id)
    assert len(jobs) == n
    return jobs, ["region.hdr"] + [raw(i) for i in range(w)]


def epigenomics(n):
    """L lanes of (fastqSplit, K chunks x 4 steps, mapMerge) + 3 jobs: N = L (2 + 4K) + 3."""
    lanes = max(1, round((n / 250)))
    chunks = max(1, round((n - 3 - 2 * lanes) / (4 * lanes)))
    jobs, inputs, merged = [], [], []
    k = 0

    def add(name, outputs, ins):
        nonlocal k
        k += 1
        jobs.append(Job(job_id(k), name, outputs, ins))

    for lane in range(lanes):
        sequence = f"lane{lane}.sfq"
        inputs.append(sequence)
        parts = [f"l{lane}_c{c:04d}.sfq" for c in range(chunks)]
        add("fastqSplit", parts, [sequence])
        maps = []
        for c, part in enumerate(parts):
            stem = f"l{lane}_c{c:04d}"
            add("filterContams", [f"{stem}.filtered.sfq"], [part])
            add("sol2sanger", [f"{stem}.fq"], [f"{stem}.filtered.sfq"])
            add("fast2bfq", [f"{stem}.bfq"], [f"{stem}.fq"])
            add("map", [f"{stem}.map"], [f"{stem}.bfq", "reference.bfa"])
            maps.append(f"{stem}.map")
        add("mapMerge", [f"lane{lane}.map"], maps)
        merged.append(f"lane{lane}.map")
    add("mapMerge", ["all.map"], merged)
    add("maqIndex", ["all.map.idx"], ["all.map"])
    add("pileup", ["all.pileup"], ["all.map.idx", "reference.bfa"])
    return jobs, inputs + ["reference.bfa"]


SHAPES = {"chain": chain, "fanout": fanout, "montage": montage, "epigenomics": epigenomics}


def command(job_sh, job):
    return ["/bin/sh", job_sh, job.id] + job.outputs + ["--"] + job.inputs


def write_workflow(path, shape, jobs, job_sh):
    consumed = {lfn for job in jobs for lfn in job.inputs}
    with open(path, "w", buffering=1 << 20) as f:
        w = f.write
        w(HEADER)
        w(f"name: {shape}-{len(jobs)}\nmetadata:\n  generator: Benchmarks/generate_io_dag.py\n  shape: {shape}\njobs:\n")
        for job in jobs:
            w(f"- type: job\n  name: {job.name}\n  id: {job.id}\n  arguments:\n")
            for a in command(job_sh, job)[1:]:
                w(f"  - '{a}'\n")
            w("  uses:\n")
            for lfn in job.inputs:
                w(f"  - lfn: {lfn}\n    type: input\n")
            for lfn in job.outputs:  # final products are kept (in scratch: there is no output site)
                keep = "false" if lfn in consumed else "true"
                w(f"  - lfn: {lfn}\n    type: output\n    stageOut: {keep}\n    registerReplica: false\n")


def write_makefile(path, jobs, job_sh):
    with open(path, "w", buffering=1 << 20) as f:
        w = f.write
        w("# Generated by Benchmarks/generate_io_dag.py: the jobs of workflow.yml, one rule each, the\n"
          "# job's outputs as (grouped) targets and its one command as recipe. Run it in a folder\n"
          "# holding links to inputs/*.\n.SUFFIXES:\n.PHONY: all\nall:")
        w("".join(f" {o}" for job in jobs for o in job.outputs))
        w("\n\n")
        for job in jobs:
            sep = " &:" if len(job.outputs) > 1 else ":"
            w(f"{' '.join(job.outputs)}{sep} {' '.join(job.inputs)}\n\t{' '.join(command(job_sh, job))}\n\n")


def write_snakefile(path, jobs, job_sh):
    with open(path, "w", buffering=1 << 20) as f:
        w = f.write
        w("# Generated by Benchmarks/generate_io_dag.py: the jobs of workflow.yml, one rule each,\n"
          "# the same command as shell. Run it with --directory set to a folder holding links to inputs/*.\n")
        w("rule all:\n    input:\n")
        w("".join(f"        '{o}',\n" for job in jobs for o in job.outputs))
        for job in jobs:
            w(f"\nrule {job.id}:\n    input:\n")
            w("".join(f"        '{i}',\n" for i in job.inputs))
            w("    output:\n")
            w("".join(f"        '{o}',\n" for o in job.outputs))
            w(f"    shell:\n        '{' '.join(command(job_sh, job))}'\n")


def write_catalogs(out_dir, jobs, inputs):
    scratch = os.path.join(out_dir, "scratch")
    output = os.path.join(out_dir, "output")
    with open(os.path.join(out_dir, "sites.yml"), "w") as f:
        f.write(HEADER)
        f.write("sites:\n- name: local\n  arch: x86_64\n  os.type: linux\n  directories:\n"
                f"  - type: sharedScratch\n    path: {scratch}\n    sharedFileSystem: true\n"
                f"    fileServers:\n    - url: file://{scratch}\n      operation: all\n"
                f"  - type: localStorage\n    path: {output}\n    sharedFileSystem: true\n"
                f"    fileServers:\n    - url: file://{output}\n      operation: all\n")
    with open(os.path.join(out_dir, "transformations.yml"), "w") as f:
        f.write(HEADER)
        f.write("transformations:\n")
        for name in sorted({job.name for job in jobs}):
            f.write(f"- name: {name}\n  sites:\n  - name: local\n    pfn: /bin/sh\n    type: installed\n")
    folder = os.path.join(out_dir, "inputs")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(out_dir, "replicas.yml"), "w", buffering=1 << 20) as f:
        f.write(HEADER)
        f.write("replicas:\n")
        for lfn in inputs:
            pfn = os.path.join(folder, lfn)
            with open(pfn, "w") as data:
                data.write(f"input {lfn}\n")
            f.write(f"- lfn: {lfn}\n  pfns:\n  - site: local\n    pfn: {pfn}\n")
    with open(os.path.join(out_dir, "pegasus.properties"), "w") as f:
        f.write("# Jobs read and write their files in the shared scratch folder: no staging, as make does.\n"
                "pegasus.data.configuration = sharedfs\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shape", choices=sorted(SHAPES), required=True)
    ap.add_argument("--jobs", type=int, required=True, help="total jobs")
    ap.add_argument("--out", required=True, help="folder for the workflow, catalogs, Makefile and Snakefile")
    args = ap.parse_args()
    out_dir = os.path.abspath(args.out)
    os.makedirs(out_dir, exist_ok=True)
    jobs, inputs = SHAPES[args.shape](args.jobs)
    job_sh = os.path.join(out_dir, "job.sh")
    with open(job_sh, "w") as f:
        f.write(JOB_SH)
    write_workflow(os.path.join(out_dir, "workflow.yml"), args.shape, jobs, job_sh)
    write_makefile(os.path.join(out_dir, "Makefile"), jobs, job_sh)
    write_snakefile(os.path.join(out_dir, "Snakefile"), jobs, job_sh)
    write_catalogs(out_dir, jobs, inputs)
    print(f"{out_dir}: {args.shape}, {len(jobs)} jobs, {sum(len(j.inputs) for j in jobs)} file reads, "
          f"{sum(len(j.outputs) for j in jobs)} outputs", file=sys.stderr)
    print(len(jobs))


if __name__ == "__main__":
    main()
