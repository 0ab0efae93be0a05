"""Strategy × model leaderboard on a suite, with two no-model floors (not collected as a test).

    python tests/bench_strategies.py [--suite evals/suites/seeds.yaml] [RUN_RECORD ...]

Floors computed here, from the suite alone:
  every-sentence   every sentence is a claim, in the outlet's voice, asserted
  staged-code      `staged` with no model: content sentences, and code's first option for
                   attribution, certainty and type (what the model's answers are read against)
Run records (from `verifier eval`) are re-scored with the current metric, so records made
before a metric change still line up.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from verifier.evaluation.metrics import score
from verifier.evaluation.suites import load_suite
from verifier.schemas import Certainty, Claim, ClaimType, Document, DocumentClaims, RunRecord
from verifier.strategies.staged import (
    candidate_sources,
    certainty_options,
    own_voice,
    type_options,
)
from verifier.text.quantities import parse_quantities
from verifier.text.sentences import has_content, split_sentences

SHOWN = ("detection_f1", "claim_f1", "claim_precision", "claim_recall", "attribution_accuracy",
         "certainty_accuracy", "type_accuracy", "grounding_rate")  # fmt: skip


def floor(doc: Document, code_labels: bool) -> DocumentClaims:
    claims = []
    last: list[str] = []
    for s in split_sentences(doc.text):
        if code_labels and not has_content(s.text):
            continue
        who, certainty, kind = own_voice(doc), Certainty.asserted, ClaimType.other
        if code_labels:
            who = candidate_sources(s.text, last, own_voice(doc), doc.text)[0]
            last = [who] if who != own_voice(doc) else last
            certainty = certainty_options(s.text)[0]
            kind = ClaimType(type_options(s.text)[0])
        claims.append(
            Claim(
                id=f"{doc.id}:s{len(claims) + 1:02d}",
                doc_id=doc.id,
                text=s.text,
                quote=s.text,
                start=s.start,
                end=s.end,
                attributed_to=who,
                certainty=certainty,
                claim_type=kind,
                quantities=parse_quantities(s.text),
            )
        )
    return DocumentClaims(doc_id=doc.id, claims=claims)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--suite", type=Path, default=Path("evals/suites/seeds.yaml"))
    ap.add_argument("--json", action="store_true")
    ap.add_argument("runs", nargs="*", type=Path)
    args = ap.parse_args()
    suite = load_suite(args.suite)
    texts = {d.id: d.text for d in suite.documents}
    rows: dict[str, dict[str, float | None]] = {}
    for name, code_labels in (
        ("every-sentence (no model)", False),
        ("staged-code (no model)", True),
    ):
        pred = {d.id: floor(d, code_labels) for d in suite.documents}
        rows[name] = {
            k: v.value for k, v in score(pred, suite.gold, texts, resamples=200).metrics.items()
        }
    for path in args.runs:
        run = RunRecord.model_validate_json(path.read_text(encoding="utf-8"))
        pred = {d.doc_id: d for d in run.predictions}
        report = score(pred, suite.gold, texts, resamples=200)
        rows[f"{run.strategy} × {run.model}"] = {k: v.value for k, v in report.metrics.items()}
    if args.json:
        print(json.dumps(rows, indent=2))
        return
    print(
        f"{'strategy × model':<34}"
        + "".join(f"{m.replace('_accuracy', '_acc'):>16}" for m in SHOWN)
    )
    for name, m in rows.items():
        cells = "".join(f"{'–' if m.get(k) is None else f'{m[k]:.3f}':>16}" for k in SHOWN)
        print(f"{name:<34}{cells}")


if __name__ == "__main__":
    main()
