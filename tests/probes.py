"""The researcher's probes of issue 12: hand-made predictions scored against `evals/gold`.

Each probe is a prediction a researcher would build to see whether the metric rewards the
right thing (a copied sentence, a whole-document quote, a negated text, a changed number,
a cut attribution). `tests/test_metric_probes.py` asserts the score range a researcher
would expect; run this file to print the table of every probe's scores:

    .venv/bin/python tests/probes.py
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from verifier.evaluation.gold import load_gold
from verifier.pipeline.documents import load_documents
from verifier.schemas import Claim, Document, DocumentClaims
from verifier.text.sentences import sentences

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
GOLD = ROOT / "evals" / "gold"
FALSE_TEXT = "Nothing of the sort happened; this claim is false."


def texts() -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))}


def gold() -> dict[str, DocumentClaims]:
    return load_gold(GOLD, texts())[0]


def outlets() -> dict[str, str | None]:
    manifest = yaml.safe_load((SEEDS / "manifest.yaml").read_text(encoding="utf-8"))
    return {Path(k).stem: v.get("outlet") for k, v in manifest["documents"].items()}


def own_voice(claim: Claim, outlet: str | None) -> bool:
    """Own-voice gold claims: the annotators wrote "the article (…)" or the outlet's name."""
    return claim.attributed_to.startswith("the article") or claim.attributed_to == outlet


def _replace_claims(
    g: dict[str, DocumentClaims], fn: Callable[[str, list[Claim]], list[Claim]]
) -> dict[str, DocumentClaims]:
    return {k: d.model_copy(update={"claims": fn(k, list(d.claims))}) for k, d in g.items()}


def sentence_copier(quote_whole_document: bool = False) -> dict[str, DocumentClaims]:
    """Every sentence as one claim in the outlet's voice; optionally the whole text as quote."""
    out = {}
    names = outlets()
    for doc_id, text in texts().items():
        claims = [
            Claim(
                id=f"{doc_id}:s{i:03d}",
                doc_id=doc_id,
                text=s,
                quote=text if quote_whole_document else s,
                attributed_to=names.get(doc_id) or "the article",
            )
            for i, s in enumerate(sentences(text), 1)
        ]
        out[doc_id] = DocumentClaims(doc_id=doc_id, claims=claims)
    return out


def false_texts(n: int = 20) -> tuple[dict[str, DocumentClaims], list[str]]:
    """The first `n` gold claims (by id) with their text replaced by a denial; quotes kept."""
    g = gold()
    ids = sorted(c.id for d in g.values() for c in d.claims)[:n]
    return _replace_claims(
        g, lambda _k, cs: [c.model_copy(update={"text": FALSE_TEXT}) if c.id in ids else c
                           for c in cs]
    ), ids


_DIGITS = re.compile(r"\d[\d,]*")


def _bump(s: str) -> str:
    """Change the first digit figure in `s` by adding one to its last digit (9 → 0 carries)."""
    m = _DIGITS.search(s)
    if not m:
        return s
    old = m.group(0).rstrip(",")
    new = str(int(old.replace(",", "")) + 1)
    return s[: m.start()] + new + s[m.start() + len(old):]


def changed_numbers(n: int = 12) -> tuple[dict[str, DocumentClaims], list[str]]:
    """The first `n` gold claims whose text has a digit, that figure changed in text and quote."""
    g = gold()
    ids = sorted(c.id for d in g.values() for c in d.claims if _DIGITS.search(c.text))[:n]

    def edit(c: Claim) -> Claim:
        return c.model_copy(update={"text": _bump(c.text), "quote": _bump(c.quote),
                                    "start": None, "end": None})

    return _replace_claims(g, lambda _k, cs: [edit(c) if c.id in ids else c for c in cs]), ids


def two_to_five() -> tuple[dict[str, DocumentClaims], list[str]]:
    """Gold claims saying "two" (audio files) say "five" in their text; the quote still says two."""
    g = gold()
    ids = [c.id for d in g.values() for c in d.claims if re.search(r"\btwo\b", c.text)]

    def edit(c: Claim) -> Claim:
        return c.model_copy(update={"text": re.sub(r"\btwo\b", "five", c.text)})

    return _replace_claims(g, lambda _k, cs: [edit(c) if c.id in ids else c for c in cs]), ids


def own_voice_the_article() -> dict[str, DocumentClaims]:
    """Gold as the extraction prompt instructs: "the article" for the outlet's own voice."""
    names = outlets()
    return _replace_claims(gold(), lambda k, cs: [
        c.model_copy(update={"attributed_to": "the article"}) if own_voice(c, names.get(k)) else c
        for c in cs])


_ARTICLES = {"a", "an", "the"}


def one_word_attributions() -> dict[str, DocumentClaims]:
    """Every attribution cut to its first word that is not an article, lower-cased."""
    def first(name: str) -> str:
        words = [w for w in re.findall(r"[^\W_]+", name.lower()) if w not in _ARTICLES]
        return words[0] if words else name

    return _replace_claims(gold(), lambda _k, cs: [
        c.model_copy(update={"attributed_to": first(c.attributed_to)}) for c in cs])


def nrc_acronym() -> tuple[dict[str, DocumentClaims], list[str]]:
    """"The NRC." for every "National Resistance Center of Ukraine" attribution."""
    g = gold()
    ids = [c.id for d in g.values() for c in d.claims
           if c.attributed_to == "National Resistance Center of Ukraine"]
    return _replace_claims(g, lambda _k, cs: [
        c.model_copy(update={"attributed_to": "The NRC."}) if c.id in ids else c
        for c in cs]), ids


def documents() -> dict[str, Document]:
    """The seeds as `Document`s: their manifest outlet is part of attribution matching."""
    return {d.id: d for d in load_documents([SEEDS])}


def _score(pred: dict[str, DocumentClaims], **kw: Any) -> Any:
    from verifier.evaluation.metrics import score

    return score(pred, gold(), documents(), resamples=kw.pop("resamples", 200), **kw)


def _found(report: Any, ids: list[str]) -> int:
    return sum(1 for i in report.items if i["kind"] == "gold" and i["gold_id"] in ids
               and i["found"])


def table() -> list[tuple[str, str]]:
    """(probe, figures) rows, with whatever metrics the scorer of this checkout reports."""
    rows: list[tuple[str, str]] = []

    def v(r: Any, name: str) -> str:
        m = r.metrics.get(name)
        return "—" if m is None or m.value is None else f"{m.value:.3f}"

    def has(r: Any, name: str) -> bool:
        return name in r.metrics

    r = _score(sentence_copier())
    extra = "".join(f" {n} {v(r, n)}" for n in ("detection_f1", "claim_text_quality")
                    if has(r, n))
    rows.append(("sentence copier", f"F1 {v(r, 'claim_f1')} P {v(r, 'claim_precision')} "
                 f"R {v(r, 'claim_recall')}{extra}"))
    r = _score(sentence_copier(quote_whole_document=True))
    extra = "".join(f" {n} {v(r, n)}" for n in ("detection_f1",) if has(r, n))
    rows.append(("whole-document quotes", f"F1 {v(r, 'claim_f1')} R {v(r, 'claim_recall')}"
                 f"{extra}"))
    pred, ids = false_texts()
    r = _score(pred)
    rows.append((f"'{FALSE_TEXT}' ×{len(ids)}", f"{_found(r, ids)}/{len(ids)} still matched"))
    pred, ids = changed_numbers()
    r = _score(pred)
    rows.append((f"one number changed ×{len(ids)}",
                 f"F1 {v(r, 'claim_f1')}, {_found(r, ids)}/{len(ids)} matched"))
    pred, ids = two_to_five()
    r = _score(pred)
    rows.append((f"'two' → 'five' ×{len(ids)}",
                 f"F1 {v(r, 'claim_f1')}, {_found(r, ids)}/{len(ids)} matched"))
    r = _score(own_voice_the_article())
    rows.append(("own voice as 'the article'", f"attribution {v(r, 'attribution_accuracy')}"))
    r = _score(one_word_attributions())
    rows.append(("one-word attributions", f"attribution {v(r, 'attribution_accuracy')}"))
    pred, ids = nrc_acronym()
    r = _score(pred)
    ok = sum(1 for i in r.items if i["kind"] == "gold" and i["gold_id"] in ids
             and i.get("attribution_ok"))
    rows.append((f"'The NRC.' ×{len(ids)}", f"{ok}/{len(ids)} attributions match"))
    from verifier.evaluation.metrics import score

    g = gold()
    one = sorted(g)[0]
    m = score({one: g[one]}, {one: g[one]}, texts()).metrics["claim_f1"]
    rows.append(("gold vs gold, all documents", f"F1 {v(_score(g), 'claim_f1')}"))
    note = getattr(m, "note", None)
    rows.append(("interval with one document scored",
                 f"[{m.ci_low}, {m.ci_high}]" + (f" ({note})" if note else "")))
    return rows


if __name__ == "__main__":
    for name, figures in table():
        sys.stdout.write(f"| {name} | {figures} |\n")
