"""One tiny document scored by hand: every expected value below was worked out on paper from
the definitions in docs/METRICS.md (the working is in the comments), not read from the code.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from verifier.evaluation.metrics import DefaultMatcher, overlap_over_union, score
from verifier.schemas import Certainty, Claim, ClaimType, DocumentClaims, Quantity

DOC = (
    "The General Staff said Russia lost 300 tanks in March. The Kremlin denied the figure. "
    "Analysts said the war could last two more years."
)
TANKS = Quantity(text="300", value=300, unit="tanks")


def _c(cid: str, text: str, quote: str, by: str, **kw: object) -> Claim:
    return Claim(id=cid, doc_id="d", text=text, quote=quote, attributed_to=by, **kw)


GOLD = [
    _c("g1", "Russia lost 300 tanks in March, the General Staff said.",
       "Russia lost 300 tanks in March", "General Staff", certainty=Certainty.reported,
       claim_type=ClaimType.statistic, quantities=[TANKS]),
    _c("g2", "The Kremlin denied the General Staff's figure of 300 lost tanks.",
       "The Kremlin denied the figure", "Kremlin", certainty=Certainty.reported,
       claim_type=ClaimType.event),
    _c("g3", "The war could last two more years, analysts said.",
       "the war could last two more years", "analysts", certainty=Certainty.speculative,
       claim_type=ClaimType.prediction),
]
PRED = [
    # g1's text and quote; "Ukraine's General Staff" keeps the two naming words: same source
    _c("p1", "Russia lost 300 tanks in March, the General Staff said.",
       "Russia lost 300 tanks in March", "Ukraine's General Staff",
       certainty=Certainty.reported, claim_type=ClaimType.statistic, quantities=[TANKS]),
    # g2 paraphrased; wrong source (own voice) and wrong certainty
    _c("p2", "The Kremlin denied the figure of 300 lost tanks.",
       "The Kremlin denied the figure", "the article", certainty=Certainty.asserted,
       claim_type=ClaimType.event),
    # g3's quote, but "five" years: a different proposition (detected, not matched)
    _c("p3", "The war could last five more years.", "the war could last two more years",
       "analysts", certainty=Certainty.speculative, claim_type=ClaimType.prediction),
    # a quote that is not in the document
    _c("p4", "Russia lost 500 planes.", "Russia lost 500 planes", "General Staff"),
]


@pytest.fixture(scope="module")
def report():  # type: ignore[no-untyped-def]
    return score({"d": DocumentClaims(doc_id="d", claims=PRED)},
                 {"d": DocumentClaims(doc_id="d", claims=GOLD)}, {"d": DOC})


def _v(report, name: str) -> float | None:  # type: ignore[no-untyped-def]
    return report.metrics[name].value


def test_claim_counts(report) -> None:  # type: ignore[no-untyped-def]
    # matches: p1–g1 and p2–g2; p3 states "five" where g3 says "two"; p4 quotes nothing real
    assert _v(report, "claim_precision") == pytest.approx(2 / 4)
    assert _v(report, "claim_recall") == pytest.approx(2 / 3)
    assert _v(report, "claim_f1") == pytest.approx(2 * 2 / (4 + 3))
    assert report.metrics["claim_f1"].n == 7


def test_detection_counts(report) -> None:  # type: ignore[no-untyped-def]
    # p1, p2, p3 quote exactly the gold quotes (overlap over union 1); p4 has no span
    assert _v(report, "detection_precision") == pytest.approx(3 / 4)
    assert _v(report, "detection_recall") == pytest.approx(3 / 3)
    assert _v(report, "detection_f1") == pytest.approx(2 * 3 / (4 + 3))


def test_field_accuracies(report) -> None:  # type: ignore[no-untyped-def]
    # over the 2 matched pairs: p1 right on every field; p2 wrong source and certainty
    assert _v(report, "attribution_accuracy") == pytest.approx(1 / 2)
    assert _v(report, "certainty_accuracy") == pytest.approx(1 / 2)
    assert _v(report, "type_accuracy") == pytest.approx(2 / 2)
    # only g1 has a quantity, and p1 has the same one
    assert _v(report, "quantity_accuracy") == pytest.approx(1 / 1)
    assert report.metrics["quantity_accuracy"].n == 1


def test_grounding(report) -> None:  # type: ignore[no-untyped-def]
    assert _v(report, "grounding_rate") == pytest.approx(3 / 4)
    assert _v(report, "hallucination_rate") == pytest.approx(1 / 4)


def test_claim_text_scores(report) -> None:  # type: ignore[no-untyped-def]
    # no text opens with a pronoun or names a "this" thing: 4/4 self-contained
    assert _v(report, "text_self_contained") == pytest.approx(4 / 4)
    # "five" (p3) and "500" (p4) are not in the document: 2/4 faithful
    assert _v(report, "text_faithful") == pytest.approx(2 / 4)
    # context the gold added to its quote (content-word stems), over the 3 detected pairs:
    # g1 {general, staff, said} all in p1 → 1; g2 {general, staff, lost, tank}, p2 has
    # lost, tank → 1/2; g3 {analyst, said}, p3 has neither → 0. Mean (1 + 0.5 + 0) / 3.
    assert _v(report, "text_decontextualised") == pytest.approx(1.5 / 3)
    # quality = the weakest check: p1 1, p2 0.5, p3 unfaithful 0 → 1.5 / 3
    assert _v(report, "claim_text_quality") == pytest.approx(1.5 / 3)


def test_one_document_has_no_interval_and_says_why(report) -> None:  # type: ignore[no-untyped-def]
    m = report.metrics["claim_f1"]
    assert m.ci_low is None and m.ci_high is None and m.documents == 1
    assert m.interval_note and "1 document" in m.interval_note


def test_five_documents_say_there_are_126_resamples() -> None:
    # C(2·5 − 1, 5) = C(9, 5) = 126 distinct ways to draw 5 of 5 documents with replacement
    docs = {f"d{k}": DocumentClaims(doc_id=f"d{k}", claims=[g.model_copy(update={
        "id": f"{g.id}-{k}", "doc_id": f"d{k}"}) for g in GOLD]) for k in range(5)}
    r = score(docs, docs, {k: DOC for k in docs})
    m = r.metrics["claim_f1"]
    assert m.documents == 5 and m.interval_note and "126 distinct resamples" in m.interval_note
    assert r.settings["distinct_resamples"] == 126


def test_overlap_over_union_by_hand() -> None:
    # [0, 40) and [20, 60): 20 shared of 60 covered
    assert overlap_over_union((0, 40), (20, 60)) == pytest.approx(20 / 60)
    # a whole-document quote [0, 1000) against a 50-character gold quote: 50 / 1000
    assert overlap_over_union((0, 1000), (100, 150)) == pytest.approx(0.05)


def test_paraphrase_similarity_by_hand() -> None:
    # p2 vs g2: content stems p2 {kremlin, deni, figur, 300, lost, tank} (6), g2 the same
    # plus {general, staff} (8): text F1 = 2·6 / 14; same quote → 1; same number; the
    # sources differ → × 0.9. similarity = √(12/14) × 0.9
    parts = DefaultMatcher().parts(PRED[1], GOLD[1], DOC)
    assert parts.text == pytest.approx(12 / 14)
    assert parts.quote == 1.0 and parts.conflicts == ()
    assert parts.similarity == pytest.approx((12 / 14) ** 0.5 * 0.9)
    # p3 vs g3: "five" against "two" is a conflict, whatever the overlap
    assert DefaultMatcher().parts(PRED[2], GOLD[2], DOC).conflicts == ("numbers",)


@settings(max_examples=30, deadline=None)
@given(st.permutations([*PRED, PRED[1].model_copy(update={"id": "p2-twin"})]),
       st.permutations(GOLD))
def test_claim_and_detection_matching_ignore_order(pred: list[Claim], gold: list[Claim]) -> None:
    # a twin of p2 competes for g2: whichever order they come in, the same pairs win
    base_pred = [*PRED, PRED[1].model_copy(update={"id": "p2-twin"})]
    base = score({"d": DocumentClaims(doc_id="d", claims=base_pred)},
                 {"d": DocumentClaims(doc_id="d", claims=GOLD)}, {"d": DOC}, resamples=0)
    other = score({"d": DocumentClaims(doc_id="d", claims=pred)},
                  {"d": DocumentClaims(doc_id="d", claims=gold)}, {"d": DOC}, resamples=0)
    assert other.metrics == base.metrics
    key = lambda i: sorted((k, str(v)) for k, v in i.items())  # noqa: E731
    assert sorted(map(key, other.items)) == sorted(map(key, base.items))
