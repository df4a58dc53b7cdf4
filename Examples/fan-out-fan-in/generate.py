#!/usr/bin/env python3
"""Generate Examples/fan-out-fan-in/workflow.yml (Pegasus 5.0 YAML).

    python3 generate.py --width 50

One `seed` job writes the numbers 1..width*chunk_size to seed.txt, `width`
parallel `chunk_NN` jobs each sum one range of chunk_size lines with awk, and
one `combine` job adds the partial sums into total.txt.

The output imitates what the Pegasus Python API writes (key order,
`x-pegasus` header, `pegasus: 5.0.4`, block YAML).  It needs only the Python
standard library.  The `createdOn` stamp is fixed so that re-running the
script with the same options reproduces the committed file byte for byte.
"""

import argparse
import os
import re
import sys

CREATED_ON = "11-21-26T09:00:00Z"  # Pegasus API format: %m-%d-%yT%H:%M:%SZ

CHUNK_PROGRAM = (
    "NR >= lo && NR <= hi { sum += $1; n++ } "
    'END { printf "chunk %s lines %d-%d count %d sum %d\\n", chunk, lo, hi, n, sum }'
)
COMBINE_PROGRAM = (
    "{ total += $NF; n++ } "
    'END { printf "chunks %d total %d\\n", n, total }'
)

# ---------------------------------------------------------------------------
# A tiny YAML emitter for dicts (insertion ordered), lists, str, int and bool,
# in the block style of PyYAML's yaml.dump(..., sort_keys=False).
# ---------------------------------------------------------------------------

_PLAIN = re.compile(r"^(?:[A-Za-z0-9_./]|-(?=[^ ]))[A-Za-z0-9_./:=+-]*$")
_LOOKS_TYPED = re.compile(  # YAML 1.1 implicit types that a plain scalar would turn into
    r"^(?:[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?"  # int / float
    r"|[-+]?\.[0-9_]+(?:[eE][-+]?[0-9]+)?"  # .5
    r"|[-+]?0b[01_]+|[-+]?0x[0-9a-fA-F_]+"  # binary / hex
    r"|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?"  # sexagesimal
    r"|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}.*"  # timestamp
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|=|-"
    r"|y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE"
    r"|on|On|ON|off|Off|OFF|null|Null|NULL|~)$"
)


def _scalar(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if not isinstance(value, str):
        raise TypeError("cannot emit %r" % (value,))
    if "\n" in value:
        raise ValueError("multi-line strings are not supported: %r" % (value,))
    if _PLAIN.match(value) and not _LOOKS_TYPED.match(value):
        return value
    return "'" + value.replace("'", "''") + "'"


def _emit(value, indent, out):
    pad = " " * indent
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, (dict, list)) and item:
                out.append("%s%s:" % (pad, _scalar(key)))
                # block sequences under a key are not indented (PyYAML style)
                _emit(item, indent if isinstance(item, list) else indent + 2, out)
            else:
                out.append("%s%s: %s" % (pad, _scalar(key), _inline(item)))
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict) and item:
                lines = []
                _emit(item, indent + 2, lines)
                lines[0] = pad + "- " + lines[0][indent + 2:]
                out.extend(lines)
            elif isinstance(item, list) and item:
                raise ValueError("nested lists are not supported")
            else:
                out.append("%s- %s" % (pad, _inline(item)))
    else:
        out.append(pad + _scalar(value))


def _inline(value):
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    return _scalar(value)


def to_yaml(document):
    lines = []
    _emit(document, 0, lines)
    return "\n".join(lines) + "\n"


def header():
    return {
        "x-pegasus": {"apiLang": "python", "createdBy": "skein", "createdOn": CREATED_ON},
        "pegasus": "5.0.4",
    }


# ---------------------------------------------------------------------------


def build(width, chunk_size):
    digits = max(2, len(str(width)))
    total_lines = width * chunk_size

    def tag(i):
        return str(i).zfill(digits)

    jobs = [
        {
            "type": "job",
            "name": "seed",
            "id": "seed",
            "stdout": "seed.txt",
            "arguments": ["1", str(total_lines)],
            "uses": [
                {"lfn": "seed.txt", "type": "output", "stageOut": False, "registerReplica": False},
            ],
        }
    ]
    chunk_ids = []
    for i in range(1, width + 1):
        lo = (i - 1) * chunk_size + 1
        hi = i * chunk_size
        job_id = "chunk_" + tag(i)
        chunk_ids.append(job_id)
        jobs.append(
            {
                "type": "job",
                "name": "chunk",
                "id": job_id,
                "stdout": "chunk_%s.txt" % tag(i),
                "arguments": [
                    "-v", "chunk=" + tag(i),
                    "-v", "lo=%d" % lo,
                    "-v", "hi=%d" % hi,
                    CHUNK_PROGRAM,
                    "seed.txt",
                ],
                "uses": [
                    {"lfn": "seed.txt", "type": "input"},
                    {"lfn": "chunk_%s.txt" % tag(i), "type": "output", "stageOut": False,
                     "registerReplica": False},
                ],
            }
        )
    chunk_files = ["chunk_%s.txt" % tag(i) for i in range(1, width + 1)]
    jobs.append(
        {
            "type": "job",
            "name": "combine",
            "id": "combine",
            "stdout": "total.txt",
            "arguments": [COMBINE_PROGRAM] + chunk_files,
            "uses": [{"lfn": f, "type": "input"} for f in chunk_files]
            + [{"lfn": "total.txt", "type": "output", "stageOut": True, "registerReplica": False}],
        }
    )

    document = header()
    document["name"] = "fan-out-fan-in"
    document["metadata"] = {
        "generator": "generate.py",
        "width": str(width),
        "chunk_size": str(chunk_size),
        "expected_total": str(total_lines * (total_lines + 1) // 2),
    }
    document["jobs"] = jobs
    document["jobDependencies"] = [{"id": "seed", "children": chunk_ids}] + [
        {"id": c, "children": ["combine"]} for c in chunk_ids
    ]
    return document


def main(argv=None):
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--width", type=int, default=50,
                        help="number of parallel chunk jobs (default: 50)")
    parser.add_argument("--chunk-size", type=int, default=100,
                        help="numbers summed by each chunk job (default: 100)")
    parser.add_argument("--output", default=os.path.join(here, "workflow.yml"),
                        help="file to write, '-' for stdout (default: workflow.yml beside this script)")
    args = parser.parse_args(argv)
    if args.width < 1 or args.chunk_size < 1:
        parser.error("--width and --chunk-size must be at least 1")

    text = to_yaml(build(args.width, args.chunk_size))
    if args.output == "-":
        sys.stdout.write(text)
    else:
        with open(args.output, "w") as handle:
            handle.write(text)
        print("wrote %s (%d jobs)" % (args.output, args.width + 2), file=sys.stderr)


if __name__ == "__main__":
    main()
