"""Scale benchmark: `verify --no-llm` on many claims (not collected by pytest: no timing asserts).

    .venv/bin/python tests/bench_scale.py [--sizes 1000 3000 10000] [--layout one|many] [--json f]
    .venv/bin/python tests/bench_scale.py --stages [--no-grouping] [--sizes ...]  # per stage

Builds synthetic inputs in a temp folder and runs the real CLI in a subprocess, with `-o`
and no `--json`, so the terminal tables are drawn too (to a pipe). Reports wall time, peak
memory (ru_maxrss of that one process) and the growth exponent between consecutive sizes
(log(t2/t1) / log(n2/n1): 1.0 is linear, about 1.1 is n log n at these sizes, 2.0 quadratic).

Layouts: `one` = one document with N sentences and N claims (each quoting its sentence);
`many` = N one-sentence documents with one claim each. Figures with a number and an outlet
recur across sentences, so grouping has real work to do.

Targets (issue 14): 10,000 claims in under 60 s and under 1 GB, growth no worse than n log n.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PLACES = ["Kharkiv", "Odesa", "Lviv", "Dnipro", "Kherson", "Sumy", "Poltava", "Chernihiv"]
WHO = ["the ministry", "the governor", "local officials", "the regional council"]
MONTHS = ["January", "March", "May", "July", "September", "November"]


def sentence(i: int) -> str:
    place, who, month = PLACES[i % 8], WHO[(i // 8) % 4], MONTHS[(i // 32) % 6]
    return f"In {month}, {who} in {place} reported {(i * 37) % 900 + 10} new shelters (item {i})."


def build(folder: Path, n: int, layout: str) -> tuple[list[str], Path]:
    docs = folder / "docs"
    docs.mkdir()
    claims: list[dict[str, object]] = []
    if layout == "one":
        sents = [sentence(i) for i in range(n)]
        (docs / "big.txt").write_text("Shelters\n\n" + " ".join(sents) + "\n", encoding="utf-8")
        by_doc = {"big": sents}
    else:
        by_doc = {}
        for i in range(n):
            (docs / f"d{i:05d}.txt").write_text(f"Shelters {i}\n\n{sentence(i)}\n")
            by_doc[f"d{i:05d}"] = [sentence(i)]
    for doc_id, sents in by_doc.items():
        for k, s in enumerate(sents):
            claims.append(
                {
                    "id": f"{doc_id}:c{k:05d}",
                    "doc_id": doc_id,
                    "text": s,
                    "quote": s,
                    "attributed_to": WHO[(int(s.split("(item ")[1][:-2]) // 8) % 4],
                    "certainty": "reported",
                }
            )
    out = folder / "claims.json"
    out.write_text(json.dumps(claims), encoding="utf-8")
    return [str(docs)], out


def measure(paths: list[str], claims: Path, out: Path, timeout: float) -> tuple[float, float, int]:
    """Wall seconds, peak MB and exit code of one `verify --no-llm` in a fresh process."""
    probe = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)\n"
        "dt = time.perf_counter() - t\n"
        "kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "print(dt, kb / 1024, p.returncode)\n"
        "sys.stderr.write(p.stderr.decode()[-400:])\n"
    )
    cmd = [sys.executable, "-m", "verifier", "verify", *paths, "--claims", str(claims),
           "--no-llm", "-o", str(out)]  # fmt: skip
    proc = subprocess.run(
        [sys.executable, "-c", probe, *cmd], capture_output=True, text=True, timeout=timeout
    )
    dt, mb, code = proc.stdout.split()
    if int(code) != 0:
        print(proc.stderr, file=sys.stderr)
    return float(dt), float(mb), int(code)


def stages(n: int, layout: str, grouping: bool = True) -> dict[str, float]:
    """Seconds per stage of `verify --no-llm` in this process: where the time goes."""
    from rich.console import Console

    from verifier.pipeline.claimfiles import load_predictions
    from verifier.pipeline.documents import load_documents
    from verifier.pipeline.grouping import group_claims
    from verifier.pipeline.verification import verify_claims
    from verifier.render.display import groups_table, verdicts_table

    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        paths, claims_path = build(Path(tmp), n, layout)
        t = time.perf_counter()
        docs = {d.id: d for d in load_documents([Path(p) for p in paths])}
        claims = [c for d in load_predictions(claims_path).values() for c in d.claims]
        out["load"] = time.perf_counter() - t
        t = time.perf_counter()
        verdicts = verify_claims(claims, docs)
        out["checks"] = time.perf_counter() - t
        t = time.perf_counter()
        groups = group_claims(claims, docs) if grouping else []
        if grouping:
            out["grouping"] = time.perf_counter() - t
        t = time.perf_counter()
        console = Console(file=open(os.devnull, "w"), width=160)  # noqa: SIM115
        console.print(verdicts_table(verdicts))
        console.print(groups_table(groups))
        out["tables"] = time.perf_counter() - t
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 3000, 10000])
    ap.add_argument("--layout", choices=["one", "many"], default="one")
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--stages", action="store_true", help="time each stage in-process")
    ap.add_argument("--no-grouping", action="store_true", help="with --stages: skip grouping")
    opts = ap.parse_args()
    if opts.stages:
        for n in opts.sizes:
            times = stages(n, opts.layout, grouping=not opts.no_grouping)
            shown = "  ".join(f"{k} {v:6.2f} s" for k, v in times.items())
            print(f"{opts.layout:4} {n:6d} claims: {shown}", flush=True)
        return
    rows: list[dict[str, float]] = []
    for n in opts.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            paths, claims = build(Path(tmp), n, opts.layout)
            built = time.perf_counter() - t0
            dt, mb, code = measure(paths, claims, Path(tmp) / "out.json", opts.timeout)
        growth = ""
        if rows:
            prev = rows[-1]
            exp = math.log(dt / prev["seconds"]) / math.log(n / prev["claims"])
            growth = f"  growth exponent {exp:.2f}"
        rows.append({"claims": n, "seconds": round(dt, 2), "peak_mb": round(mb), "exit": code})
        print(
            f"{opts.layout:4} {n:6d} claims: {dt:7.2f} s  {mb:6.0f} MB  exit {code}"
            f"  (inputs built in {built:.1f} s){growth}",
            flush=True,
        )
    if opts.json:
        opts.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    main()
