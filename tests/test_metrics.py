"""Sanity properties of the benchmark metrics: perfect, empty, planted-error and order cases."""

from __future__ import annotations

import importlib
import json
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from verifier.errors import InputError
from verifier.evaluation.metrics import (
    DefaultMatcher,
    Matcher,
    PairwiseMatcher,
    attribution_match,
    quantity_match,
    score,
    similarity,
)
from verifier.metrics import metric_names
from verifier.pipeline.claimfiles import load_predictions
from verifier.schemas import (
    Certainty,
    Claim,
    ClaimGroup,
    ClaimType,
    DocumentClaims,
    ExtractionResult,
    GoldGroup,
    GoldGroups,
    GroupLabel,
    GroupMember,
    Qualifier,
    Quantity,
    RunRecord,
)

REPO = Path(__file__).resolve().parents[1]

DOCS = {
    "kyiv": (
        "Ukraine's General Staff said on Monday that Russian forces lost 300 tanks in March. "
        "The Kremlin denied the figure. Analysts estimate that between 300,000 and 500,000 men "
        "have left the country since the war began. The city council approved a new curfew."
    ),
    "moscow": (
        "The Russian Defence Ministry said 50 Ukrainian aircraft were destroyed in March. "
        "It denied that Russian forces lost 300 tanks, calling the report propaganda. "
        "Officials said the economy could grow by about 2 percent next year."
    ),
    "wire": (
        "Ukraine's military claimed Russia lost 300 tanks in March, a figure Moscow rejects. "
        "Over 1,000 people attended the rally in Berlin, police said."
    ),
}


def _claim(doc: str, cid: str, text: str, quote: str, by: str, **kw: object) -> Claim:
    assert quote in DOCS[doc], quote
    return Claim(id=cid, doc_id=doc, text=text, quote=quote, attributed_to=by, **kw)


def _gold() -> dict[str, DocumentClaims]:
    claims = [
        _claim("kyiv", "k1", "Russian forces lost 300 tanks in March, according to Ukraine's "
               "General Staff.", "Russian forces lost 300 tanks in March",
               "Ukraine's General Staff",
               claim_type=ClaimType.statistic, certainty=Certainty.reported,
               quantities=[Quantity(text="300", value=300, unit="tanks", counted="tanks")]),
        _claim("kyiv", "k2", "The Kremlin denied the Ukrainian figure of Russian tank losses.",
               "The Kremlin denied the figure", "Kremlin", claim_type=ClaimType.event,
               certainty=Certainty.reported),
        _claim("kyiv", "k3", "Between 300,000 and 500,000 men have left Ukraine since the war "
               "began, analysts estimate.", "between 300,000 and 500,000 men have left the country",
               "analysts", claim_type=ClaimType.statistic, certainty=Certainty.speculative,
               quantities=[Quantity(text="300,000 and 500,000", low=300000, high=500000,
                                    qualifier=Qualifier.range, counted="men")]),
        _claim("kyiv", "k4", "The city council approved a new curfew.",
               "The city council approved a new curfew", "Kyiv Independent",
               claim_type=ClaimType.policy_legal),
        _claim("moscow", "m1", "50 Ukrainian aircraft were destroyed in March, the Russian Defence "
               "Ministry said.", "50 Ukrainian aircraft were destroyed in March",
               "Russian Defence Ministry", claim_type=ClaimType.statistic,
               certainty=Certainty.reported, quantities=[Quantity(text="50", value=50)]),
        _claim("moscow", "m2", "The Russian Defence Ministry denied that Russian forces lost 300 "
               "tanks.", "It denied that Russian forces lost 300 tanks", "Russian Defence Ministry",
               claim_type=ClaimType.event, certainty=Certainty.reported,
               quantities=[Quantity(text="300", value=300)]),
        _claim("moscow", "m3", "The Russian economy could grow by about 2 percent next year.",
               "the economy could grow by about 2 percent next year", "Officials",
               claim_type=ClaimType.prediction, certainty=Certainty.speculative,
               quantities=[Quantity(text="about 2", value=2,
                                    qualifier=Qualifier.approximately, unit="percent")]),
        _claim("wire", "w1", "Russia lost 300 tanks in March, Ukraine's military claimed.",
               "Russia lost 300 tanks in March", "Ukraine's military",
               claim_type=ClaimType.statistic, certainty=Certainty.alleged,
               quantities=[Quantity(text="300", value=300)]),
        _claim("wire", "w2", "Over 1,000 people attended the rally in Berlin.",
               "Over 1,000 people attended the rally in Berlin", "police",
               claim_type=ClaimType.event, certainty=Certainty.reported,
               quantities=[Quantity(text="Over 1,000", value=1000, qualifier=Qualifier.over)]),
    ]
    out: dict[str, DocumentClaims] = {}
    for c in claims:
        out.setdefault(c.doc_id, DocumentClaims(doc_id=c.doc_id)).claims.append(c)
    return out


def _gold_groups() -> GoldGroups:
    return GoldGroups(groups=[
        GoldGroup(id="tanks", proposition="Russia lost 300 tanks in March",
                  claim_ids=["k1", "w1", "m2"], label=GroupLabel.contested),
        GoldGroup(id="aircraft", proposition="50 Ukrainian aircraft destroyed",
                  claim_ids=["m1"], label=GroupLabel.single_source),
    ])


def _claims_by_id(docs: dict[str, DocumentClaims]) -> dict[str, Claim]:
    return {c.id: c for d in docs.values() for c in d.claims}


def _as_pred_groups(gold_groups: GoldGroups, claims: dict[str, Claim]) -> list[ClaimGroup]:
    """Gold groups restated as the pipeline's ClaimGroup output."""
    return [
        ClaimGroup(
            id=g.id, proposition=g.proposition, label=g.label, independent_sources=len(g.claim_ids),
            members=[GroupMember(claim_id=i, doc_id=claims[i].doc_id,
                                 attributed_to=claims[i].attributed_to,
                                 certainty=claims[i].certainty, source_key=claims[i].doc_id)
                     for i in g.claim_ids],
        )
        for g in gold_groups.groups
    ]


def _edit(docs: dict[str, DocumentClaims], cid: str, **update: object) -> dict[str, DocumentClaims]:
    out = {k: v.model_copy(deep=True) for k, v in docs.items()}
    for d in out.values():
        d.claims = [c.model_copy(update=update) if c.id == cid else c for c in d.claims]
    return out


def _noisy_prediction() -> dict[str, DocumentClaims]:
    """A realistic prediction: renamed ids, a paraphrase, a miss, a wrong field, a hallucination."""
    pred = {k: v.model_copy(deep=True) for k, v in _gold().items()}
    for d in pred.values():
        d.claims = [c.model_copy(update={"id": "p-" + c.id}) for c in d.claims]
    pred["kyiv"].claims[0] = pred["kyiv"].claims[0].model_copy(
        update={"text": "Ukraine says Russia lost 300 tanks during March.",
                "attributed_to": "General Staff of Ukraine"})
    pred["kyiv"].claims.pop(3)  # missed claim
    pred["moscow"].claims[2] = pred["moscow"].claims[2].model_copy(
        update={"certainty": Certainty.asserted})
    pred["wire"].claims.append(Claim(
        id="p-w9", doc_id="wire", text="Berlin police arrested 40 protesters.",
        quote="Police arrested 40 protesters at the rally", attributed_to="police"))
    return pred


# --------------------------------------------------------------------------- perfect / empty


def test_gold_against_itself_is_perfect_on_every_metric() -> None:
    gold, groups = _gold(), _gold_groups()
    report = score(gold, gold, DOCS, _as_pred_groups(groups, _claims_by_id(gold)), groups)
    assert set(metric_names()) <= set(report.metrics)
    for name, m in report.metrics.items():
        expected = 0.0 if name == "hallucination_rate" else 1.0
        assert m.value == pytest.approx(expected), name
        assert m.ci_low == pytest.approx(expected) and m.ci_high == pytest.approx(expected), name
        assert m.n > 0, name
    assert all(i["found"] for i in report.items if i["kind"] == "gold")
    assert all(i["pred_id"] == i["gold_id"] for i in report.items if i["kind"] == "gold")
    assert report.per_document["kyiv"]["claim_f1"] == 1.0
    assert report.unscored_documents == [] and report.warnings == []


def test_claims_differing_only_in_fields_still_self_align() -> None:
    base = _gold()["kyiv"].claims[1]
    twins = [base.model_copy(update={"id": f"t{k}", "attributed_to": who, "certainty": cert})
             for k, (who, cert) in enumerate([("Kremlin", Certainty.reported),
                                              ("Dmitry Peskov", Certainty.asserted),
                                              ("TASS", Certainty.alleged)])]
    gold = {"kyiv": DocumentClaims(doc_id="kyiv", claims=twins)}
    for order in (twins, twins[::-1], [twins[1], twins[2], twins[0]]):
        pred = {"kyiv": DocumentClaims(doc_id="kyiv", claims=[
            c.model_copy(update={"id": f"p{9 - int(c.id[1:])}"}) for c in order])}
        r = score(pred, gold, DOCS)
        assert r.metrics["attribution_accuracy"].value == 1.0
        assert r.metrics["certainty_accuracy"].value == 1.0


def _load_gold_dir(gold_dir: Path) -> tuple[dict[str, DocumentClaims], GoldGroups | None]:
    gold_mod = importlib.import_module("verifier.evaluation.gold")
    seeds = REPO / "seeds"
    loaded = gold_mod.load_gold(gold_dir, seeds) if seeds.is_dir() else gold_mod.load_gold(gold_dir)
    found = loaded if isinstance(loaded, tuple) else (loaded,)
    found = found + tuple(getattr(loaded, a) for a in ("claims", "documents", "groups")
                          if hasattr(loaded, a))
    claims: dict[str, DocumentClaims] | None = None
    groups: GoldGroups | None = None
    for part in found:
        if isinstance(part, dict) and part and all(
                isinstance(v, DocumentClaims) for v in part.values()):
            claims = part
        elif isinstance(part, list) and part and all(isinstance(v, DocumentClaims) for v in part):
            claims = {d.doc_id: d for d in part}
        elif isinstance(part, GoldGroups):
            groups = part
    if claims is None:
        pytest.skip(f"cannot find DocumentClaims in what load_gold returned ({type(loaded)})")
    return claims, groups


def test_repository_gold_against_itself_is_perfect() -> None:
    gold_dir = REPO / "evals" / "gold"
    if not any(gold_dir.glob("*.json")):
        pytest.skip("no gold files in evals/gold yet")
    if importlib.util.find_spec("verifier.evaluation.gold") is None:
        pytest.skip("verifier.evaluation.gold not written yet")
    gold, groups = _load_gold_dir(gold_dir)
    pred_groups = _as_pred_groups(groups, _claims_by_id(gold)) if groups else None
    texts = {k: p.read_text(encoding="utf-8") for k in gold
             if (p := REPO / "seeds" / f"{k}.txt").exists()}
    report = score(gold, gold, texts, pred_groups, groups, resamples=50)
    assert report.metrics["claim_f1"].value == 1.0
    for name, m in report.metrics.items():
        if m.value is None:
            continue
        assert m.value == pytest.approx(0.0 if name == "hallucination_rate" else 1.0), name


def test_repository_gold_files_score_perfectly_as_predictions() -> None:
    """The gold folder read as predictions (groups.json skipped), grounded in seeds/."""
    gold_dir = REPO / "evals" / "gold"
    if not any(gold_dir.glob("*.json")):
        pytest.skip("no gold files in evals/gold yet")
    gold = load_predictions(gold_dir)
    texts = {k: p.read_text(encoding="utf-8") for k in gold
             if (p := REPO / "seeds" / f"{k}.txt").exists()}
    groups_file = gold_dir / "groups.json"
    groups = None
    if groups_file.exists():
        groups = GoldGroups.model_validate_json(groups_file.read_text(encoding="utf-8"))
    pred_groups = _as_pred_groups(groups, _claims_by_id(gold)) if groups else None
    report = score(gold, gold, texts, pred_groups, groups, resamples=50)
    for name, m in report.metrics.items():
        if m.value is None:
            continue
        assert m.value == pytest.approx(0.0 if name == "hallucination_rate" else 1.0), name


def test_empty_prediction_has_zero_recall_and_zero_precision() -> None:
    gold = _gold()
    for pred in ({}, {k: DocumentClaims(doc_id=k) for k in gold}):
        r = score(pred, gold, DOCS)
        m = {k: v.value for k, v in r.metrics.items()}
        assert m["claim_recall"] == 0.0
        assert m["claim_precision"] == 0.0  # documented: nothing predicted while gold has claims
        assert m["claim_f1"] == 0.0
        for undefined in ("attribution_accuracy", "certainty_accuracy", "type_accuracy",
                          "quantity_accuracy", "grounding_rate", "hallucination_rate"):
            assert m[undefined] is None, undefined
        assert not any(i["found"] for i in r.items if i["kind"] == "gold")
    statuses = {i["doc_id"]: i["status"] for i in score({}, gold, DOCS).items
                if i["kind"] == "document"}
    assert set(statuses.values()) == {"missing_prediction"}


def test_nothing_to_find_and_nothing_predicted_is_undefined_not_perfect() -> None:
    empty = {"kyiv": DocumentClaims(doc_id="kyiv")}
    r = score(empty, empty, DOCS)
    assert r.metrics["claim_precision"].value is None
    assert r.metrics["claim_recall"].value is None
    assert r.metrics["claim_f1"].value is None


def test_groups_are_none_without_predicted_groups() -> None:
    gold = _gold()
    r = score(gold, gold, DOCS, None, _gold_groups())
    for name in ("group_pair_precision", "group_pair_recall", "group_pair_f1",
                 "group_label_accuracy"):
        assert r.metrics[name].value is None, name


# --------------------------------------------------------------------------- planted errors


def test_one_wrong_attribution_costs_exactly_one_pair() -> None:
    gold = _gold()
    n = sum(len(d.claims) for d in gold.values())
    pred = _edit(gold, "m1", attributed_to="Ukrainian Air Force")
    r = score(pred, gold, DOCS)
    assert r.metrics["claim_f1"].value == 1.0
    assert r.metrics["attribution_accuracy"].value == pytest.approx((n - 1) / n)
    assert r.metrics["attribution_accuracy"].n == n
    assert r.metrics["certainty_accuracy"].value == 1.0
    bad = [i for i in r.items if i["kind"] == "gold" and not i["attribution_ok"]]
    assert [i["gold_id"] for i in bad] == ["m1"]


def test_paraphrase_with_right_numbers_still_aligns() -> None:
    gold = _gold()
    pred = _edit(gold, "k3", id="x", text="Analysts think 300,000 to 500,000 men fled Ukraine "
                 "after the invasion started.")
    r = score(pred, gold, DOCS)
    assert r.metrics["claim_recall"].value == 1.0
    item = next(i for i in r.items if i["kind"] == "gold" and i["gold_id"] == "k3")
    assert item["pred_id"] == "x" and item["similarity"] < 1.0


def test_mismatched_numbers_lower_similarity() -> None:
    g = _gold()["kyiv"].claims[0]
    right = g.model_copy(update={"text": "Ukraine says Russian forces lost 300 tanks in March."})
    wrong = g.model_copy(update={"text": "Ukraine says Russian forces lost 3000 tanks in March."})
    doc = DOCS["kyiv"]
    assert similarity(wrong, g, doc) < similarity(right, g, doc)
    parts = DefaultMatcher().parts(wrong, g, doc)
    assert parts.numeric == 0.0 and parts.quote == 1.0
    # a different claim from the same sentence with a different number does not match
    other = g.model_copy(update={"text": "The Kremlin said 50 aircraft were shot down."})
    assert similarity(other, g, doc) < DefaultMatcher().threshold


def test_quantity_accuracy_counts_qualifier_and_skips_pairs_without_gold_quantities() -> None:
    gold = _gold()
    with_q = sum(bool(c.quantities) for d in gold.values() for c in d.claims)
    pred = _edit(gold, "w2", quantities=[Quantity(text="1,000", value=1000)])  # lost "over"
    r = score(pred, gold, DOCS)
    assert r.metrics["quantity_accuracy"].n == with_q
    assert r.metrics["quantity_accuracy"].value == pytest.approx((with_q - 1) / with_q)
    assert quantity_match(Quantity(text="at least 5", value=5, qualifier=Qualifier.at_least),
                          Quantity(text="over 5", value=5, qualifier=Qualifier.over))
    assert not quantity_match(Quantity(text="5", value=5),
                              Quantity(text="about 5", value=5, qualifier=Qualifier.approximately))


def test_hallucinated_quote_is_counted() -> None:
    gold = _gold()
    pred = _edit(gold, "w2", quote="Ten thousand people marched through central Berlin")
    r = score(pred, gold, DOCS)
    n = sum(len(d.claims) for d in gold.values())
    assert r.metrics["hallucination_rate"].value == pytest.approx(1 / n)
    assert r.metrics["grounding_rate"].value == pytest.approx((n - 1) / n)


def test_split_group_lowers_pair_recall_and_unmatched_label_is_wrong() -> None:
    gold, groups = _gold(), _gold_groups()
    claims = _claims_by_id(gold)
    pred_groups = _as_pred_groups(groups, claims)
    tanks = pred_groups[0]
    # split m2 off the tanks group and call the rest corroborated
    pred_groups[0] = tanks.model_copy(update={"members": tanks.members[:2],
                                              "label": GroupLabel.corroborated})
    pred_groups.append(tanks.model_copy(update={"id": "m2-alone", "members": tanks.members[2:],
                                                "label": GroupLabel.single_source}))
    r = score(gold, gold, DOCS, pred_groups, groups)
    assert r.metrics["group_pair_precision"].value == 1.0
    assert r.metrics["group_pair_recall"].value == pytest.approx(1 / 3)  # 1 of 3 gold pairs
    assert r.metrics["group_pair_f1"].value == pytest.approx(0.5)
    assert r.metrics["group_label_accuracy"].value == pytest.approx(1 / 2)


def test_unscored_prediction_documents_are_reported() -> None:
    gold = _gold()
    pred = dict(gold)
    pred["extra"] = DocumentClaims(doc_id="extra")
    r = score(pred, gold, DOCS)
    assert r.unscored_documents == ["extra"]
    assert any("extra" in w for w in r.warnings)
    assert r.metrics["claim_f1"].value == 1.0


def test_matcher_is_pluggable() -> None:
    def same_quote(p: Claim, g: Claim, _doc: str | None) -> float:
        return float(p.quote == g.quote)

    matcher = PairwiseMatcher(same_quote, name="same-quote")
    assert isinstance(matcher, Matcher) and isinstance(DefaultMatcher(), Matcher)
    gold = _gold()
    r = score(_edit(gold, "k1", text="completely different words"), gold, DOCS, matcher=matcher)
    assert r.metrics["claim_recall"].value == 1.0
    assert r.settings["matcher"] == "same-quote"


@pytest.mark.parametrize(("a", "b", "same"), [
    ("Reuters", "Reuters news agency", True),
    ("the Kremlin", "Kremlin", True),
    ("Zelensky", "Volodymyr Zelenskyy", True),
    ("Ministry of Defence", "Defense Ministry", True),
    ("officials", "Ukrainian officials", False),
    ("US officials", "UK officials", False),
    ("Russian Defence Ministry", "Ukrainian Defence Ministry", False),
])
def test_attribution_match(a: str, b: str, same: bool) -> None:
    assert attribution_match(a, b) is same
    assert attribution_match(b, a) is same


# --------------------------------------------------------------------------- bootstrap, order


def _many_docs_prediction() -> tuple[dict[str, DocumentClaims], dict[str, DocumentClaims],
                                     dict[str, str]]:
    """The noisy prediction repeated over several renamed copies, for a non-degenerate CI."""
    gold, pred = _gold(), _noisy_prediction()
    g_out, p_out, texts = {}, {}, {}
    for k in range(4):
        for doc_id in gold:
            new = f"{doc_id}-{k}"
            texts[new] = DOCS[doc_id]
            g_out[new] = gold[doc_id].model_copy(update={"doc_id": new})
            p_out[new] = pred[doc_id].model_copy(update={"doc_id": new})
            if k % 2:  # every other copy is perfect, so documents differ
                p_out[new] = gold[doc_id].model_copy(update={"doc_id": new})
    return p_out, g_out, texts


def test_bootstrap_ci_brackets_the_point_estimate_and_is_reproducible() -> None:
    pred, gold, texts = _many_docs_prediction()
    r = score(pred, gold, texts)
    again = score(pred, gold, texts)
    assert r.metrics == again.metrics
    widths = []
    for name, m in r.metrics.items():
        if m.value is None:
            continue
        assert m.ci_low is not None and m.ci_high is not None, name
        assert m.ci_low <= m.value <= m.ci_high, name
        widths.append(m.ci_high - m.ci_low)
    assert max(widths) > 0
    assert r.metrics["claim_recall"].value < 1.0


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.randoms(use_true_random=False))
def test_permuting_predictions_never_changes_scores(rnd: random.Random) -> None:
    gold = _gold()
    pred = _noisy_prediction()
    # an exact duplicate and a same-text twin with another attribution make ties to break
    twin = pred["moscow"].claims[0].model_copy(update={"id": "p-twin", "attributed_to": "Kyiv"})
    pred["moscow"].claims += [pred["moscow"].claims[0], twin]
    groups = _gold_groups()
    pred_groups = _as_pred_groups(groups, _claims_by_id(gold))
    for g in pred_groups:
        for m in g.members:
            m.claim_id = "p-" + m.claim_id
    base = score(pred, gold, DOCS, pred_groups, groups, resamples=50)

    shuffled: dict[str, DocumentClaims] = {}
    keys = list(pred)
    rnd.shuffle(keys)
    for k in keys:
        claims = list(pred[k].claims)
        rnd.shuffle(claims)
        shuffled[k] = pred[k].model_copy(update={"claims": claims})
    groups_shuffled = list(pred_groups)
    rnd.shuffle(groups_shuffled)
    other = score(shuffled, gold, DOCS, groups_shuffled, groups, resamples=50)
    assert other.metrics == base.metrics
    assert other.per_document == base.per_document
    key = lambda i: json.dumps(i, sort_keys=True)  # noqa: E731
    assert sorted(map(key, other.items)) == sorted(map(key, base.items))
    matched_preds = [i for i in other.items if i["kind"] == "pred" and i["gold_id"]]
    assert len(matched_preds) == sum(d["n_matched"] for d in other.per_document.values())


# --------------------------------------------------------------------------- loading


def test_load_predictions_accepts_every_claims_format(tmp_path: Path) -> None:
    gold = _gold()
    docs = list(gold.values())
    ext = tmp_path / "extraction.json"
    ext.write_text(ExtractionResult(model="m", documents=docs).model_dump_json())
    run = tmp_path / "run.json"
    run.write_text(RunRecord(run_id="r", suite="s", model="m", started_at="now", wall_seconds=1,
                             predictions=docs).model_dump_json())
    folder = tmp_path / "folder"
    folder.mkdir()
    for d in docs:
        (folder / f"{d.doc_id}.json").write_text(d.model_dump_json())
    (folder / "groups.json").write_text(_gold_groups().model_dump_json())  # skipped
    for path in (ext, run, folder):
        assert load_predictions(path) == gold, path
    single = load_predictions(folder / "kyiv.json")
    assert list(single) == ["kyiv"]


@pytest.mark.parametrize(("content", "says"), [
    ('{"doc_id": "a", "claims": [', "malformed JSON"),
    ('{"doc_id": "a", "claims": [{"id": "c1"}]}', "not a valid"),
    ('{"hello": 1}', "not a predictions file"),
    ("", "empty"),
])
def test_load_predictions_rejects_malformed_file_in_one_line(
        tmp_path: Path, content: str, says: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    with pytest.raises(InputError) as err:
        load_predictions(bad)
    msg = str(err.value)
    assert "\n" not in msg and str(bad) in msg and says in msg


def test_load_predictions_names_the_bad_file_in_a_folder(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(DocumentClaims(doc_id="a").model_dump_json())
    (tmp_path / "b.json").write_text("{not json")
    with pytest.raises(InputError, match=r"b\.json: malformed JSON"):
        load_predictions(tmp_path)
    (tmp_path / "b.json").write_text(DocumentClaims(doc_id="a").model_dump_json())
    with pytest.raises(InputError, match="more than once"):
        load_predictions(tmp_path)
