#!/usr/bin/env python3
"""Write a montage-shaped Pegasus 5.0 workflow of exactly N jobs, with its three catalogs.

    python3 Benchmarks/generate_montage.py --jobs 100000 --out /tmp/wf

writes /tmp/wf/{workflow,sites,transformations,replicas}.yml in the style the Pegasus 5 Python
API writes (block YAML, `x-pegasus` header, `pegasus: 5.0.4`), so Skein's reader is measured on
the files users actually have. Standard library only.

Shape (W input images laid out on a grid, D overlap pairs between neighbours):

    mProject   x W   raw_i.fits + region.hdr          -> p_i.fits, p_i_area.fits
    mDiffFit   x D   p_a*, p_b* (two neighbours)       -> fit_d.txt
    mConcatFit x 1   every fit_d.txt                   -> fits.tbl
    mBgModel   x 1   fits.tbl, region.hdr              -> corrections.tbl
    mBackground x W  p_i*, corrections.tbl             -> c_i.fits, c_i_area.fits
    mImgtbl    x 1   every c_i.fits                    -> cimages.tbl
    mAdd       x 1   cimages.tbl, region.hdr, every c_i* -> mosaic.fits, mosaic_area.fits
    mViewer    x 1   mosaic.fits                       -> mosaic.png

N = 2W + D + 5 with D about 2W (right and down neighbours, then diagonals to make up the
count), so the mDiffFit level is the widest and mConcatFit / mImgtbl / mAdd are joins of
2W, W and 2W+2 inputs. Every edge is both declared in `jobDependencies` and implied by a file;
every file has one producer (or a replica); intermediate outputs are `stageOut: false` and
consumed, final products (mosaic_area.fits, mosaic.png) are `stageOut: true`. The replicas of
the raw images all point at one small file the script writes under OUT/inputs/, so the
validator's "replica file exists" check passes without creating thousands of files.
"""

import argparse
import math
import os
import sys

NAMESPACE = "montage"
VERSION = "6.0"
TRANSFORMATIONS = ["mProject", "mDiffFit", "mConcatFit", "mBgModel",
                   "mBackground", "mImgtbl", "mAdd", "mViewer"]
HEADER = ("x-pegasus:\n"
          "  apiLang: python\n"
          "  createdBy: skein-bench\n"
          "  createdOn: 11-21-26T08:37:44Z\n"
          "pegasus: 5.0.4\n")
FIXED_JOBS = 5  # mConcatFit, mBgModel, mImgtbl, mAdd, mViewer
MIN_JOBS = 33  # 7 images: the fewest with enough distinct pairs for about 2W overlaps


def plan(n):
    """(W, grid columns, D overlap pairs) for exactly n jobs."""
    if n < MIN_JOBS:
        sys.exit(f"generate_montage.py: --jobs must be at least {MIN_JOBS}")
    w = (n - FIXED_JOBS) // 4
    d = n - FIXED_JOBS - 2 * w
    cols = max(1, math.ceil(math.sqrt(w)))
    right = [(i, i + 1) for i in range(w) if (i + 1) % cols != 0 and i + 1 < w]
    down = [(i, i + cols) for i in range(w) if i + cols < w]
    diag = [(i, i + cols + 1) for i in range(w) if (i + 1) % cols != 0 and i + cols + 1 < w]
    anti = [(i, i + cols - 1) for i in range(w) if i % cols != 0 and i + cols - 1 < w]
    pairs = right + down + diag + anti
    if d > len(pairs):  # tiny grids only: add farther pairs, nearest first
        taken = set(pairs)
        pairs += [(i, i + gap) for gap in range(2, w) for i in range(w - gap)
                  if (i, i + gap) not in taken][:d - len(pairs)]
    assert len(pairs) >= d and len(set(pairs[:d])) == d
    return w, cols, pairs[:d]


class Writer:
    """Block-style YAML, written the way PyYAML (and so the Pegasus API) lays it out."""

    def __init__(self, f):
        self.f = f

    def job(self, jid, name, args, inputs, outputs, final=()):
        w = self.f.write
        w(f"- type: job\n  namespace: {NAMESPACE}\n  version: '{VERSION}'\n"
          f"  name: {name}\n  id: {jid}\n  arguments:\n")
        for a in args:
            w(f"  - {a}\n")
        w("  uses:\n")
        for lfn in inputs:
            w(f"  - lfn: {lfn}\n    type: input\n")
        for lfn in outputs:
            stage = "true" if lfn in final else "false"
            w(f"  - lfn: {lfn}\n    type: output\n    stageOut: {stage}\n"
              f"    registerReplica: {stage}\n")
        w("  profiles:\n    dagman:\n      RETRY: '3'\n")


def job_id(k):
    return f"ID{k:07d}"


class MontageJobs:
    """The job ids of the montage shape, numbered level by level, and its edges (the ones
    the files imply). generate_dag.py builds its file-less montage DAG from the same."""

    def __init__(self, w, pairs):
        d = len(pairs)
        self.proj = lambda i: job_id(1 + i)
        self.diff = lambda k: job_id(1 + w + k)
        self.concat = job_id(1 + w + d)
        self.bgmodel = job_id(2 + w + d)
        self.back = lambda i: job_id(3 + w + d + i)
        self.imgtbl = job_id(3 + 2 * w + d)
        self.add = job_id(4 + 2 * w + d)
        self.viewer = job_id(5 + 2 * w + d)
        self.count = 5 + 2 * w + d
        self.w, self.pairs = w, pairs

    def children(self):
        """Parent id -> child ids, in the order the jobs are written."""
        diffs_of = [[] for _ in range(self.w)]
        for k, (a, b) in enumerate(self.pairs):
            diffs_of[a].append(k)
            diffs_of[b].append(k)
        edges = {}
        for i in range(self.w):
            edges[self.proj(i)] = [self.diff(k) for k in diffs_of[i]] + [self.back(i)]
        for k in range(len(self.pairs)):
            edges[self.diff(k)] = [self.concat]
        edges[self.concat] = [self.bgmodel]
        edges[self.bgmodel] = [self.back(i) for i in range(self.w)]
        for i in range(self.w):
            edges[self.back(i)] = [self.imgtbl, self.add]
        edges[self.imgtbl] = [self.add]
        edges[self.add] = [self.viewer]
        return edges


def write_workflow(path, n, w, cols, pairs):
    d = len(pairs)
    jobs = MontageJobs(w, pairs)
    assert jobs.count == n
    proj, diff, back = jobs.proj, jobs.diff, jobs.back

    raw = lambda i: f"raw_{i:06d}.fits"
    p = lambda i: f"p_{i:06d}.fits"
    pa = lambda i: f"p_{i:06d}_area.fits"
    fit = lambda k: f"fit_{k:06d}.txt"
    c = lambda i: f"c_{i:06d}.fits"
    ca = lambda i: f"c_{i:06d}_area.fits"

    with open(path, "w", buffering=1 << 20) as f:
        out = Writer(f)
        f.write(HEADER)
        f.write(f"name: montage-{n}\n"
                "metadata:\n"
                f"  generator: Benchmarks/generate_montage.py\n"
                f"  images: '{w}'\n"
                f"  gridColumns: '{cols}'\n"
                "jobs:\n")
        for i in range(w):
            out.job(proj(i), "mProject", ["-X", raw(i), p(i), "region.hdr"],
                    [raw(i), "region.hdr"], [p(i), pa(i)])
        for k, (a, b) in enumerate(pairs):
            out.job(diff(k), "mDiffFit", ["-n", p(a), p(b), fit(k)],
                    [p(a), pa(a), p(b), pa(b)], [fit(k)])
        out.job(jobs.concat, "mConcatFit", ["-s", "fits.tbl", "."],
                [fit(k) for k in range(d)], ["fits.tbl"])
        out.job(jobs.bgmodel, "mBgModel", ["-l", "fits.tbl", "corrections.tbl"],
                ["fits.tbl", "region.hdr"], ["corrections.tbl"])
        for i in range(w):
            out.job(back(i), "mBackground", ["-t", p(i), c(i), "corrections.tbl"],
                    [p(i), pa(i), "corrections.tbl"], [c(i), ca(i)])
        out.job(jobs.imgtbl, "mImgtbl", ["-c", ".", "cimages.tbl"],
                [c(i) for i in range(w)], ["cimages.tbl"])
        add_inputs = ["cimages.tbl", "region.hdr"]
        for i in range(w):
            add_inputs += [c(i), ca(i)]
        out.job(jobs.add, "mAdd", ["-e", "cimages.tbl", "region.hdr", "mosaic.fits"],
                add_inputs, ["mosaic.fits", "mosaic_area.fits"], final={"mosaic_area.fits"})
        out.job(jobs.viewer, "mViewer", ["-ct", "'1'", "-png", "mosaic.png"],
                ["mosaic.fits"], ["mosaic.png"], final={"mosaic.png"})

        # The same edges the files imply, declared explicitly.
        f.write("jobDependencies:\n")

        for parent, children in jobs.children().items():
            f.write(f"- id: {parent}\n  children:\n")
            f.write("".join(f"  - {ch}\n" for ch in children))


def write_sites(path, out_dir):
    scratch = os.path.join(out_dir, "scratch")
    output = os.path.join(out_dir, "output")
    with open(path, "w") as f:
        f.write(HEADER)
        f.write("sites:\n"
                "- name: local\n"
                "  arch: x86_64\n"
                "  os.type: linux\n"
                "  directories:\n"
                "  - type: sharedScratch\n"
                f"    path: {scratch}\n"
                "    sharedFileSystem: false\n"
                "    fileServers:\n"
                f"    - url: file://{scratch}\n"
                "      operation: all\n"
                "  - type: localStorage\n"
                f"    path: {output}\n"
                "    sharedFileSystem: false\n"
                "    fileServers:\n"
                f"    - url: file://{output}\n"
                "      operation: all\n"
                "  profiles:\n"
                "    env:\n"
                "      PATH: /usr/local/bin:/usr/bin:/bin\n")


def write_transformations(path):
    with open(path, "w") as f:
        f.write(HEADER)
        f.write("transformations:\n")
        for name in TRANSFORMATIONS:
            f.write(f"- namespace: {NAMESPACE}\n"
                    f"  name: {name}\n"
                    f"  version: '{VERSION}'\n"
                    "  sites:\n"
                    "  - name: local\n"
                    "    pfn: /bin/true\n"
                    "    type: installed\n"
                    "    arch: x86_64\n"
                    "    os.type: linux\n"
                    "  profiles:\n"
                    "    pegasus:\n"
                    "      cores: 1\n"
                    "      memory: 1024\n")


def write_replicas(path, out_dir, w):
    inputs = os.path.join(out_dir, "inputs")
    os.makedirs(inputs, exist_ok=True)
    image = os.path.join(inputs, "raw.fits")
    header = os.path.join(inputs, "region.hdr")
    with open(image, "w") as f:
        f.write("SIMPLE  =                    T / placeholder image for the Skein benchmark\n")
    with open(header, "w") as f:
        f.write("SIMPLE  = T\nNAXIS   = 2\nNAXIS1  = 3000\nNAXIS2  = 3000\nEND\n")
    with open(path, "w", buffering=1 << 20) as f:
        f.write(HEADER)
        f.write("replicas:\n"
                "- lfn: region.hdr\n"
                "  pfns:\n"
                "  - site: local\n"
                f"    pfn: {header}\n")
        for i in range(w):
            f.write(f"- lfn: raw_{i:06d}.fits\n"
                    "  pfns:\n"
                    "  - site: local\n"
                    f"    pfn: {image}\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--jobs", type=int, required=True, help=f"total jobs (at least {MIN_JOBS})")
    ap.add_argument("--out", required=True, help="folder to write the four .yml files into")
    args = ap.parse_args()
    out_dir = os.path.abspath(args.out)
    os.makedirs(out_dir, exist_ok=True)
    w, cols, pairs = plan(args.jobs)
    write_workflow(os.path.join(out_dir, "workflow.yml"), args.jobs, w, cols, pairs)
    write_sites(os.path.join(out_dir, "sites.yml"), out_dir)
    write_transformations(os.path.join(out_dir, "transformations.yml"))
    write_replicas(os.path.join(out_dir, "replicas.yml"), out_dir, w)
    print(f"{out_dir}/workflow.yml: {args.jobs} jobs ({w} images, {len(pairs)} overlaps)",
          file=sys.stderr)


if __name__ == "__main__":
    main()
