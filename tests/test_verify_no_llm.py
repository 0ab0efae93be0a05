"""`verify --no-llm`: the deterministic checks catch planted faults and accept every gold claim.

The acceptance case runs the real CLI in a subprocess on seed 000 with genuine gold claims
plus three planted faults (a fabricated quote, a number the quote does not give, and an
attribution to someone the article never mentions).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from verifier.pipeline.checks import check_attribution, check_numbers, ground
from verifier.pipeline.claimfiles import load_predictions
from verifier.pipeline.documents import load_documents
from verifier.pipeline.verification import deterministic_verdict, verify_claims
from verifier.schemas import (
    Claim,
    DocumentClaims,
    ExtractionResult,
    VerdictLabel,
    VerificationResult,
)

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "evals" / "gold"
SEEDS = ROOT / "seeds"
DOC0 = "000_547a94a2ab0e37c5"
CHECKS = ("quote_found", "numbers_in_quote", "attribution_supported", "not_an_instruction")
#: run only when the quote is found (they read the quote's neighbourhood)
MEANING_CHECKS = ("negation_agrees", "dates_agree", "range_kept", "certainty_agrees")


def _verifier() -> list[str]:
    exe = Path(sys.executable).with_name("verifier")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "verifier"]


def run_verifier(*args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("VERIFIER_") and not k.endswith(("_API_KEY", "_API_BASE"))
    }
    env["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
    return subprocess.run(
        [*_verifier(), *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def gold_claims(doc_id: str = DOC0) -> list[Claim]:
    return load_predictions(GOLD / f"{doc_id}.json")[doc_id].claims


def _gold(doc_id: str, n: str) -> Claim:
    return next(c for c in gold_claims(doc_id) if c.id == f"{doc_id}:{n}")


def planted_faults() -> dict[str, tuple[Claim, str, VerdictLabel]]:
    """fault id -> (claim, the one check it must fail, expected verdict)."""
    g01, g04 = _gold(DOC0, "g01"), _gold(DOC0, "g04")
    fabricated = Claim(
        id=f"{DOC0}:fault-quote",
        doc_id=DOC0,
        text="Ukraine's military leadership admitted that desertion is its biggest problem.",
        quote="Ukraine’s military leadership admitted that desertion had become the army’s "
        "single biggest problem.",
        claim_type="characterisation",
        attributed_to="Ukraine's military leadership",
        certainty="reported",
    )
    wrong_number = g01.model_copy(
        update={
            "id": f"{DOC0}:fault-number",
            "text": "According to Russian security forces, in figures shared with TASS, an "
            "estimated 600,000 Ukrainian military personnel have deserted the Armed Forces "
            "of Ukraine.",
            "quantities": [],
        }
    )
    wrong_source = g04.model_copy(
        update={"id": f"{DOC0}:fault-attribution", "attributed_to": "the Pentagon"}
    )
    return {
        fabricated.id: (fabricated, "quote_found", VerdictLabel.not_in_source),
        wrong_number.id: (wrong_number, "numbers_in_quote", VerdictLabel.contradicted),
        wrong_source.id: (wrong_source, "attribution_supported", VerdictLabel.not_in_source),
    }


def _failing(checks: list[dict[str, Any]]) -> list[str]:
    return [c["name"] for c in checks if not c["passed"]]


# ---------------------------------------------------------------- the acceptance case
@pytest.mark.parametrize("shape", ["document_claims", "extraction_result"])
def test_planted_faults_are_caught_and_genuine_claims_supported(tmp_path: Path, shape: str) -> None:
    genuine = gold_claims()
    faults = planted_faults()
    claims = genuine + [c for c, _, _ in faults.values()]
    doc = DocumentClaims(doc_id=DOC0, claims=claims)
    payload = doc if shape == "document_claims" else ExtractionResult(model="hand", documents=[doc])
    claims_file = tmp_path / "claims.json"
    claims_file.write_text(payload.model_dump_json(indent=2), encoding="utf-8")

    proc = run_verifier(
        "verify", f"seeds/{DOC0}.txt", "--claims", claims_file, "--no-llm", "--json"
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    result = VerificationResult.model_validate_json(proc.stdout)
    raw = {v["claim_id"]: v for v in json.loads(proc.stdout)["verdicts"]}
    by_id = {v.claim_id: v for v in result.verdicts}
    assert set(by_id) == {c.id for c in claims}
    assert result.model is None  # no model was asked

    for fid, (_, check, label) in faults.items():
        v = raw[fid]
        assert v["label"] == label.value, (fid, v["rationale"])
        assert v["label"] != "supported"
        assert v["method"] == "deterministic"
        names = [c["name"] for c in v["checks"]]
        assert names in (list(CHECKS), [*CHECKS, *MEANING_CHECKS])
        assert _failing(v["checks"]) == [check], (fid, v["checks"])

    assert "600000" in raw[f"{DOC0}:fault-number"]["rationale"].replace(",", "")
    pentagon = next(c for c in raw[f"{DOC0}:fault-attribution"]["checks"] if not c["passed"])
    assert "pentagon" in pentagon["detail"].lower()
    assert raw[f"{DOC0}:fault-quote"]["evidence"] == []

    for c in genuine:
        v = by_id[c.id]
        assert v.label is VerdictLabel.supported, (c.id, v.rationale)
        assert all(ch.passed for ch in v.checks), (c.id, v.checks)
        assert v.evidence, c.id  # the sentence(s) holding the quote

    assert result.counts["supported"] == len(genuine)
    assert result.counts["not_in_source"] == 2 and result.counts["contradicted"] == 1
    assert f"3 of {len(claims)} claims not supported" in proc.stderr


def test_every_gold_claim_is_supported_by_the_cli() -> None:
    proc = run_verifier("verify", "seeds", "--claims", "evals/gold", "--no-llm", "--json")
    assert proc.returncode == 0, proc.stderr
    result = VerificationResult.model_validate_json(proc.stdout)
    gold = load_predictions(GOLD)
    n_gold = sum(len(d.claims) for d in gold.values())
    assert len(result.verdicts) == n_gold > 50
    rejected = {
        v.claim_id: [f"{c.name}: {c.detail}" for c in v.checks if not c.passed]
        for v in result.verdicts
        if v.label is not VerdictLabel.supported
    }
    assert rejected == {}
    assert result.counts["supported"] == n_gold
    assert "not supported" not in proc.stderr


def test_no_llm_without_claims_fails_and_says_why() -> None:
    proc = run_verifier("verify", f"seeds/{DOC0}.txt", "--no-llm")
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    assert "--no-llm needs --claims" in proc.stderr
    assert proc.stdout == ""


def test_no_llm_without_claims_is_one_line() -> None:
    proc = run_verifier("verify", f"seeds/{DOC0}.txt", "--no-llm")
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert proc.returncode != 0 and len(lines) == 1, proc.stderr


# ----------------------------------------------------------- the same, in process
@pytest.fixture(scope="module")
def documents() -> dict[str, Any]:
    return {d.id: d for d in load_documents([SEEDS])}


def test_verify_claims_without_gateway_matches_deterministic_verdicts(
    documents: dict[str, Any],
) -> None:
    faults = planted_faults()
    claims = gold_claims() + [c for c, _, _ in faults.values()]
    verdicts = verify_claims(claims, documents, gateway=None)
    assert [v.claim_id for v in verdicts] == [c.id for c in claims]
    for v, c in zip(verdicts, claims, strict=True):
        det, grounded = deterministic_verdict(c, documents[c.doc_id])
        assert v == det
        if c.id in faults:
            assert v.label is faults[c.id][2]
        else:
            assert v.label is VerdictLabel.supported
            doc = documents[c.doc_id]
            assert doc.text[grounded.start : grounded.end] == c.quote
            assert (grounded.start, grounded.end) == (c.start, c.end)


def test_every_gold_claim_passes_every_check_in_process(documents: dict[str, Any]) -> None:
    for doc in load_predictions(GOLD).values():
        for c in doc.claims:
            g = ground(c, documents[c.doc_id]).grounding
            assert g is not None and g.grounded, (c.id, g.reasons if g else None)


# -------------------------------------------------- the check refinements gold needed
def _claim(**kw: Any) -> Claim:
    base: dict[str, Any] = {
        "id": "t:1",
        "doc_id": DOC0,
        "text": "x",
        "quote": "x",
        "attributed_to": "the article",
    }
    return Claim(**(base | kw))


def test_a_date_from_elsewhere_in_the_article_may_be_added(documents: dict[str, Any]) -> None:
    doc = documents[DOC0]
    quote = "With the program now expired, Ukraine’s Supreme Rada has not extended the amnesty"
    ok = _claim(
        text="After the amnesty expired on August 30, the Rada did not extend it.", quote=quote
    )
    assert check_numbers(ok, doc).passed
    assert not check_numbers(ok).passed  # without the document, only the quote counts
    wrong_day = ok.model_copy(update={"text": ok.text.replace("August 30", "August 31")})
    result = check_numbers(wrong_day, doc)
    assert not result.passed and "31" in result.detail
    wrong_month = ok.model_copy(update={"text": ok.text.replace("August 30", "July 30")})
    assert not check_numbers(wrong_month, doc).passed
    # a figure is not a date: it must be in the quote even when the article has it elsewhere
    figure = _claim(text="About 29,000 deserters returned.", quote=quote)
    assert not check_numbers(figure, doc).passed


@pytest.mark.parametrize(
    ("who", "passed"),
    [
        ("the article (outlet not named)", True),
        ("the article", True),
        ("unnamed sources", True),
        ("anonymous officials", True),
        ("Russian security forces, via TASS", True),
        ("the Pentagon", False),
        ("the Pentagon (outlet not named)", False),
        ("unnamed sources at the Pentagon", False),
        ("sources", False),  # names no one and does not say it is anonymous
    ],
)
def test_attribution_check(documents: dict[str, Any], who: str, passed: bool) -> None:
    result = check_attribution(_claim(attributed_to=who), documents[DOC0])
    assert result.passed is passed, result.detail
