"""Benchmark of the fully cached seed eval (not collected by pytest: no timing asserts).

    .venv/bin/python tests/bench_eval.py [--repeat 7] [--ref 7531503] [--json out.json]

Times `verifier --offline eval --no-save --json` as a real subprocess from a warmed cache
(median and best of `--repeat`), plus where the time goes: the import of the scorer and one
`score()` of the committed local run's predictions, each in a fresh process. With `--ref`,
the same is measured for that git revision's `src/` (exported to a temporary folder, its own
warmed cache), interleaved run by run, so both see the same machine load: on a shared
machine only the ratio is comparable across runs. Each variant has its own bytecode folder,
written by the warm-up run, as an installed package has.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SUITE = str(ROOT / "evals" / "suites" / "seeds.yaml")
EVAL = ["--offline", "eval", "--no-save", "--json", "--suite", SUITE]
IMPORT = "import time; t = time.perf_counter(); import verifier.evaluation.metrics; " \
    "print(time.perf_counter() - t)"
SCORE = """
import time, json, sys
from pathlib import Path
from verifier.evaluation.gold import load_gold
from verifier.evaluation.metrics import score
from verifier.pipeline.documents import load_documents
from verifier.schemas import RunRecord
docs = {d.id: d for d in load_documents([Path("seeds")])}
gold, groups = load_gold(Path("evals/gold"), {k: d.text for k, d in docs.items()})
run = RunRecord.model_validate_json(Path(sys.argv[1]).read_text())
pred = {d.doc_id: d for d in run.predictions}
t = time.perf_counter()
score(pred, gold, docs, None, groups)
print(time.perf_counter() - t)
"""


def _env(src: Path | None, cache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VERIFIER_")}
    env["VERIFIER_CACHE_DIR"] = str(cache)
    # Bytecode as a user has it (pip compiles it at install; a checkout writes it on first
    # run), in a folder of its own per variant: with PYTHONDONTWRITEBYTECODE set, a variant
    # without __pycache__ (the exported --ref) recompiled every module on every run.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(cache.with_name(cache.name + "-pyc"))
    if src is not None:
        env["PYTHONPATH"] = str(src)
    return env


def _time(argv: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv[:6])} failed: {proc.stderr.strip()[-300:]}")
    return time.perf_counter() - t0


def _printed(argv: list[str], env: dict[str, str]) -> float:
    proc = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv[:4])} failed: {proc.stderr.strip()[-300:]}")
    return float(proc.stdout.strip().splitlines()[-1])


def _export(ref: str, into: Path) -> Path:
    into.mkdir(parents=True, exist_ok=True)
    archive = into / "src.tar"
    with archive.open("wb") as f:
        # older revisions read prompts/ beside src/
        subprocess.run(["git", "archive", ref, "src", "prompts"], cwd=ROOT, stdout=f, check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="data")
    return into / "src"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--ref", help="also measure this git revision's src/ (e.g. the old main)")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    run_record = sorted((ROOT / "evals" / "runs").glob("seeds-local-2*.json"))[-1]
    with tempfile.TemporaryDirectory() as tmp:
        variants: dict[str, Path | None] = {"this checkout": None}
        if args.ref:
            variants[args.ref] = _export(args.ref, Path(tmp) / "ref")
        times: dict[str, dict[str, list[float]]] = {}
        for name, src in variants.items():
            env = _env(src, Path(tmp) / f"cache-{len(times)}")
            _time([sys.executable, "-m", "verifier", *EVAL], env)  # warm the cache
            times[name] = {"eval": [], "import": [], "score": []}
        for _ in range(args.repeat):
            for k, (name, src) in enumerate(variants.items()):
                env = _env(src, Path(tmp) / f"cache-{k}")
                times[name]["eval"].append(_time([sys.executable, "-m", "verifier", *EVAL], env))
                times[name]["import"].append(_printed([sys.executable, "-c", IMPORT], env))
                times[name]["score"].append(
                    _printed([sys.executable, "-c", SCORE, str(run_record)], env)
                )
    summary = {
        name: {
            part: {"median_s": round(statistics.median(v), 3), "best_s": round(min(v), 3)}
            for part, v in parts.items()
        }
        for name, parts in times.items()
    }
    for name, parts in summary.items():
        print(f"{name}:")
        for part, s in parts.items():
            label = {
                "eval": "cached eval (subprocess)",
                "import": "import verifier.evaluation.metrics",
                "score": "score() of the local run",
            }[part]
            print(f"  {label:<38} median {s['median_s']:.3f} s  best {s['best_s']:.3f} s")
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
