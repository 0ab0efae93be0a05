"""Grouping benchmark: `group_claims` alone on N synthetic claims (not collected by pytest).

    .venv/bin/python tests/bench_grouping.py [--sizes 1000 3000 10000] [--json out.json]

Each size runs in a fresh subprocess, so peak memory (ru_maxrss) is that run's own. Claims
are one per document (the issue-14 case that made one group with 1.6 M notes): a desertion
figure from one of a few sources every third claim (so figure topics have thousands of
members), paraphrases on a few hundred topics, and unrelated filler. Reports wall time,
peak memory, groups, the largest group, total notes, and the growth exponent between sizes
(log(t2/t1)/log(n2/n1): 1.0 linear, about 1.1 n log n, 2.0 quadratic).

Target (issue 14): 10,000 claims in under 60 s and under 1 GB, no worse than n log n.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import time

SOURCES = ["Russian security forces, via TASS", "Ukrainian Prosecutor General's Office",
           "a lawmaker", "Reuters", "the article"]  # fmt: skip
TOPICS = ["leave", "return", "train", "supply", "recruit", "rotate", "pay", "equip"]


def claims(n: int) -> tuple[list, dict]:  # type: ignore[type-arg]
    from verifier.schemas import Certainty, Claim, Document
    from verifier.text.quantities import parse_quantities

    out, docs = [], {}
    for i in range(n):
        doc = f"d{i:05d}"
        docs[doc] = Document(id=doc, path=f"{doc}.txt", text="", outlet=f"Outlet {i % 97}")
        if i % 3 == 0:
            n_ = 1000 + (i % 50) * 1000
            text = f"About {n_:,} Ukrainian soldiers deserted in {2022 + i % 3}."
        elif i % 3 == 1:
            t = TOPICS[i % len(TOPICS)]
            text = f"Soldiers of brigade {i % 300} were unable to {t} after the order number {i}."
        else:
            text = f"Item {i}: the weather in town {i % 500} was reported as mild on day {i}."
        src = SOURCES[i % len(SOURCES)]
        out.append(Claim(
            id=f"{doc}:c1", doc_id=doc, text=text, quote=text, attributed_to=src,
            certainty=Certainty.reported, quantities=parse_quantities(text),
        ))  # fmt: skip
    return out, docs


def run_one(n: int) -> dict:  # type: ignore[type-arg]
    from verifier.pipeline.grouping import group_claims

    cs, docs = claims(n)
    start = time.perf_counter()
    groups = group_claims(cs, docs, ("desertion",))
    seconds = time.perf_counter() - start
    return {
        "claims": n,
        "seconds": round(seconds, 2),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "groups": len(groups),
        "largest_group": max(len(g.members) for g in groups),
        "notes": sum(len(g.notes) for g in groups),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 3000, 10000])
    ap.add_argument("--json", default=None)
    ap.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one is not None:
        print(json.dumps(run_one(args.one)))
        return
    rows = []
    for n in args.sizes:
        r = subprocess.run([sys.executable, __file__, "--one", str(n)], capture_output=True,
                           text=True, check=True, timeout=1800)  # fmt: skip
        row = json.loads(r.stdout)
        if rows:
            prev = rows[-1]
            row["exponent"] = round(math.log(row["seconds"] / max(prev["seconds"], 1e-3))
                                    / math.log(n / prev["claims"]), 2)  # fmt: skip
        rows.append(row)
        print(json.dumps(row), flush=True)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(rows, f, indent=2)


if __name__ == "__main__":
    main()
