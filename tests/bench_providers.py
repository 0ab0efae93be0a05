"""Concurrency and cold-start benchmark against a fixed-latency loopback provider (not a test).

    .venv/bin/python tests/bench_providers.py [--latency 0.3] [--json out.json]

A `tests/wireservers.py` server speaking OpenAI's protocol answers every request after a
fixed delay (`--latency`), so wall time is dominated by how many requests are in flight
at once. `extract seeds/` and `brief seeds/` run as real cold subprocesses
(`-m openai-compatible/bench`, empty cache) with `--concurrency` 1, 2, 4 and 8; the server
counts the requests. The floor is a plain sequential OpenAI-SDK loop (a cold subprocess,
imports included) sending the very request bodies the c=1 run sent.

The server's answers are schema-valid and grounded (each chunk's first sentence, quoted, in
a claim worded apart from its quote, so every claim goes to the judge), so no request is a
re-ask and every configuration sends the same requests.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from wireservers import WireServer

ROOT = Path(__file__).resolve().parents[1]
MODEL = "openai-compatible/bench"
_ARTICLE = re.compile(r"<article>(.*?)</article>", re.S)  # the prompt tags document text
_IDS = re.compile(r"\[([^\]\s]+:c\d+)\]")


def _user(body: dict[str, Any]) -> str:
    return "\n".join(m["content"] for m in body["messages"] if m["role"] == "user")


def answer(body: dict[str, Any], n: int) -> dict[str, Any]:
    """A valid answer for whichever schema the request asks for (JSON_SCHEMA mode)."""
    name = body["response_format"]["json_schema"]["name"]
    text = _user(body)
    if name == "ClaimDrafts":
        m = _ARTICLE.search(text)
        lines = [ln.strip() for ln in (m.group(1) if m else "").splitlines() if len(ln) > 60]
        if not lines:
            return {"claims": []}
        sentence = lines[0].split(". ")[0].rstrip(".") + "."
        # Worded apart from its quote, as a model's claim usually is: every claim is judged.
        text = f"The article reports: {sentence}"
        return {"claims": [{"text": text, "quote": sentence, "claim_type": "other",
                            "attributed_to": "the article", "certainty": "asserted"}]}  # fmt: skip
    if name == "JudgeVerdict":
        return {"label": "supported", "evidence": "", "rationale": "the passage says so"}
    ids = _IDS.findall(text)[:1]
    sentences = [{"text": "Sources report events.", "cites": ids}] if ids else []
    if name == "OverviewDraft":
        return {"headline": "What the sources report", "sentences": sentences}
    return {"sentences": sentences}


def run(args: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "verifier", *args], cwd=ROOT, env=env,
                       capture_output=True, text=True, timeout=900)  # fmt: skip
    wall = time.perf_counter() - t0
    if r.returncode != 0:
        raise SystemExit(f"verifier {' '.join(args)} failed ({r.returncode}): {r.stderr[-800:]}")
    return wall


SDK_LOOP = """
import json, sys, time
t0 = time.perf_counter()
import openai
client = openai.OpenAI(base_url=sys.argv[1], api_key="no-key", max_retries=0)
for body in json.load(open(sys.argv[2])):
    client.chat.completions.create(**body)
"""


def sdk_floor(base: str, bodies: list[dict[str, Any]], tmp: Path) -> float:
    path = tmp / "bodies.json"
    path.write_text(json.dumps(bodies))
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", SDK_LOOP, base, str(path)], check=True, timeout=900)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--latency", type=float, default=0.3)
    ap.add_argument("--levels", default="1,2,4,8")
    ap.add_argument("--json", type=Path)
    opts = ap.parse_args()
    levels = [int(x) for x in opts.levels.split(",")]
    rows: list[dict[str, Any]] = []
    with WireServer("openai") as server, tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        server.answer = answer
        server.delay_s = opts.latency
        env = {k: v for k, v in os.environ.items() if not k.startswith("VERIFIER_")}
        env |= {"VERIFIER_API_BASE": server.root + "/v1", "LITELLM_LOCAL_MODEL_COST_MAP": "True",
                "NO_PROXY": "127.0.0.1,localhost"}  # fmt: skip
        for command in ("extract", "brief"):
            base_wall = base_phase = None
            for c in levels:
                before = len(server.chat_requests)
                cache = tmp / f"cache-{command}-{c}"
                out = tmp / f"{command}-{c}.json"
                wall = run(["--cache-dir", str(cache), "-m", MODEL, command, "seeds/",
                            "--concurrency", str(c), "-o", str(out)], env)  # fmt: skip
                sent = server.chat_requests[before:]
                spans = server.spans[before:]
                # The model-call phase: first request in to last answer out, at the server.
                phase = max(e for _, e in spans) - min(a for a, _ in spans)
                base_wall = base_wall or wall
                base_phase = base_phase or phase
                row = {"command": command, "concurrency": c, "requests": len(sent),
                       "wall_s": round(wall, 2), "speedup": round(base_wall / wall, 2),
                       "calls_s": round(phase, 2), "calls_speedup": round(base_phase / phase, 2),
                       "max_in_flight": server.max_in_flight}  # fmt: skip
                server.max_in_flight = 0
                if c == 1:
                    floor = sdk_floor(server.root + "/v1", [s.body for s in sent], tmp)
                    row["sdk_floor_s"] = round(floor, 2)
                    row["vs_sdk"] = round(wall / floor, 2)
                rows.append(row)
                print(json.dumps(row), flush=True)
    print(f"\nlatency {opts.latency:.2f} s per request; cold subprocesses, empty caches\n")
    print("| command | c | requests | max in flight | calls s | calls speed-up | wall s | "
          "wall speed-up | SDK loop s | ×SDK |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['command']} | {r['concurrency']} | {r['requests']} | {r['max_in_flight']} | "
              f"{r['calls_s']} | {r['calls_speedup']} | {r['wall_s']} | {r['speedup']} | "
              f"{r.get('sdk_floor_s', '')} | {r.get('vs_sdk', '')} |")  # fmt: skip
    if opts.json:
        opts.json.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
