"""group_claims: grouping across documents, independence of sources, comparable figures."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from verifier.pipeline.grouping import group_claims
from verifier.schemas import Certainty, Claim, ClaimGroup, Document, GroupLabel
from verifier.text.quantities import parse_quantities


def doc(doc_id: str, outlet: str | None = None, relays: list[str] | None = None) -> Document:
    return Document(id=doc_id, path=f"{doc_id}.txt", text="", outlet=outlet, relays=relays or [])


def claim(
    claim_id: str,
    doc_id: str,
    text: str,
    attributed_to: str,
    certainty: Certainty = Certainty.reported,
    entities: list[str] | None = None,
    time_ref: str | None = None,
) -> Claim:
    """A claim as extraction makes it: quantities parsed from its quote (here, its text)."""
    return Claim(
        id=claim_id, doc_id=doc_id, text=text, quote=text, attributed_to=attributed_to,
        certainty=certainty, quantities=parse_quantities(text), entities=entities or [],
        time_ref=time_ref,
    )  # fmt: skip


def group_of(groups: list[ClaimGroup], claim_id: str) -> ClaimGroup:
    (found,) = [g for g in groups if claim_id in g.claim_ids]
    return found


# The seed corpus's three desertion figures: each counts something different.
TASS_DOC = doc("000", relays=["TASS", "Russian security forces"])
KHAAMA_DOC = doc(
    "001", outlet="Khaama Press (via MENAFN)",
    relays=["Ukrainian Prosecutor General's Office", "Associated Press"],
)  # fmt: skip
DESERTED = claim(
    "000-c01", "000",
    "An estimated 300,000 to 500,000 Ukrainian military personnel have deserted the Armed "
    "Forces of Ukraine.",
    "Russian security forces (via TASS)",
)  # fmt: skip
CHARGED = claim(
    "001-c02", "001",
    "Over 100,000 Ukrainian soldiers have been charged with desertion since Russia's "
    "invasion in February 2022.",
    "Ukrainian Prosecutor General's Office",
)  # fmt: skip
SPECULATED = claim(
    "001-c05", "001", "The number of Ukrainian deserters could reach 200,000.", "a lawmaker",
    certainty=Certainty.speculative,
)  # fmt: skip
SEED_DOCS = {"000": TASS_DOC, "001": KHAAMA_DOC}


def test_three_desertion_figures_side_by_side_labelled_by_what_they_count() -> None:
    groups = group_claims([DESERTED, CHARGED, SPECULATED], SEED_DOCS)
    assert len(groups) == 1
    (g,) = groups
    assert sorted(g.claim_ids) == ["000-c01", "001-c02", "001-c05"]
    # 300,000–500,000 deserted vs "could reach 200,000" deserters: the same count, disjoint.
    assert g.label == GroupLabel.contested
    # TASS's Russian security forces; the prosecutor; the lawmaker (unnamed, via Khaama).
    assert g.independent_sources == 3
    (note,) = [n for n in g.notes if n.startswith("not comparable: counts different things")]
    for what in ("deserted", "charged with desertion", "speculated ceiling"):
        assert what in note
    assert not any(n.startswith("figures agree") for n in g.notes)
    figures = {m.claim_id: m.figures for m in g.members}
    assert figures == {
        "000-c01": ["An estimated 300,000 to 500,000"],
        "001-c02": ["Over 100,000"],
        "001-c05": ["could reach 200,000"],
    }
    counts = {m.claim_id: [(f.counts, f.qualifier) for f in m.measures] for m in g.members}
    assert counts == {
        "000-c01": [("deserted", "range")],
        "001-c02": [("charged with desertion", "over")],
        "001-c05": [("speculated ceiling (deserted)", "up_to")],
    }


def test_source_keys_name_the_upstream_source() -> None:
    groups = group_claims([DESERTED, CHARGED, SPECULATED], SEED_DOCS)
    keys = {m.claim_id: m.source_key for g in groups for m in g.members}
    # The speaker, spelt as the manifest's relay, and the relay it passed through.
    assert keys["000-c01"] == "russian security forces|tass"
    assert keys["001-c02"] == "ukrainian prosecutor general's office"
    # "a lawmaker" names no one: an unnamed source of the document.
    assert keys["001-c05"] == f"unnamed source in {KHAAMA_DOC.source_key}"


def test_two_outlets_relaying_tass_are_one_source() -> None:
    docs = {
        "a": doc("a", outlet="Outlet A", relays=["TASS"]),
        "b": doc("b", outlet="Outlet B", relays=["TASS news agency", "RIA Novosti"]),
    }
    claims = [
        claim("a-1", "a", "About 30,000 Ukrainian soldiers deserted in 2023.", "TASS"),
        claim("b-1", "b", "Around 31,000 Ukrainian soldiers deserted in 2023.", "TASS"),
    ]
    (g,) = group_claims(claims, docs)
    assert g.independent_sources == 1
    assert g.label == GroupLabel.single_source
    assert any(n.startswith("not independent") for n in g.notes)
    assert any(n.startswith("same source, figures agree") for n in g.notes)
    assert not any(n.startswith("figures agree") for n in g.notes)


def test_a_named_source_quoted_by_two_outlets_is_one_source() -> None:
    docs = {"a": doc("a", outlet="Outlet A"), "b": doc("b", outlet="Outlet B")}
    claims = [
        claim("a-1", "a", "About 30,000 Ukrainian soldiers deserted in 2023.",
              "State Duma Defense Committee Chairman Andrey Kartapolov"),
        claim("b-1", "b", "About 30,000 Ukrainian soldiers deserted in 2023.", "Kartapolov"),
    ]  # fmt: skip
    (g,) = group_claims(claims, docs)
    assert [m.source_key for m in g.members] == [
        "state duma defense committee chairman andrey kartapolov", "kartapolov",
    ]  # fmt: skip
    assert g.independent_sources == 1
    assert g.label == GroupLabel.single_source


def test_place_words_keep_sources_apart() -> None:
    docs = {"a": doc("a", relays=["Russian security forces"]), "b": doc("b", outlet="Kyiv Post")}
    claims = [
        claim("a-1", "a", "About 30,000 Ukrainian soldiers deserted in 2023.",
              "Russian security sources"),
        claim("b-1", "b", "About 30,000 Ukrainian soldiers deserted in 2023.",
              "Ukrainian security service"),
    ]  # fmt: skip
    (g,) = group_claims(claims, docs)
    assert g.members[0].source_key == "russian security forces"  # the relay it names
    assert g.members[1].source_key == "ukrainian security service"  # the speaker it names
    assert g.independent_sources == 2
    assert g.label == GroupLabel.corroborated


def test_independent_sources_with_overlapping_ranges_corroborate() -> None:
    docs = {"r": doc("r", outlet="Reuters"), "b": doc("b", outlet="BBC")}
    claims = [
        claim("r-1", "r", "Between 20,000 and 30,000 Russian soldiers have deserted since 2022.",
              "Reuters", Certainty.asserted),
        claim("b-1", "b", "About 25,000 Russian soldiers have deserted since 2022.",
              "Russian human rights group Idite Lesom"),
    ]  # fmt: skip
    (g,) = group_claims(claims, docs)
    assert g.label == GroupLabel.corroborated
    assert g.independent_sources == 2
    (note,) = [n for n in g.notes if n.startswith("figures agree")]
    assert "Between 20,000 and 30,000" in note and "About 25,000" in note


def test_independent_sources_with_disjoint_figures_are_contested() -> None:
    docs = {"r": doc("r", outlet="Reuters"), "m": doc("m", outlet="Meduza")}
    claims = [
        claim("r-1", "r", "Around 5,000 Russian soldiers have deserted since 2022.",
              "Russian Defence Ministry"),
        claim("m-1", "m", "Over 50,000 Russian soldiers have deserted since 2022.",
              "Mediazona"),
    ]  # fmt: skip
    (g,) = group_claims(claims, docs)
    assert g.label == GroupLabel.contested
    assert g.independent_sources == 2
    side = {m.claim_id: (m.attributed_to, m.figures) for m in g.members}
    assert side == {
        "r-1": ("Russian Defence Ministry", ["Around 5,000"]),
        "m-1": ("Mediazona", ["Over 50,000"]),
    }
    (note,) = [n for n in g.notes if n.startswith("figures disagree")]
    assert "Around 5,000, per Russian Defence Ministry" in note
    assert "Over 50,000, per Mediazona" in note


def test_disjoint_figures_from_one_relayed_source_are_not_contested() -> None:
    docs = {"a": doc("a", relays=["TASS"]), "b": doc("b", relays=["TASS"])}
    claims = [
        claim("a-1", "a", "About 5,000 Ukrainian soldiers deserted in 2023.", "TASS"),
        claim("b-1", "b", "About 50,000 Ukrainian soldiers deserted in 2023.", "TASS"),
    ]
    (g,) = group_claims(claims, docs)
    assert g.label == GroupLabel.single_source
    assert any(n.startswith("same source, different figures") for n in g.notes)


def test_different_periods_are_not_compared() -> None:
    docs = {"r": doc("r", outlet="Reuters"), "m": doc("m", outlet="Meduza")}
    claims = [
        claim("r-1", "r", "Around 5,000 Russian soldiers have deserted.", "Reuters",
              time_ref="2022"),
        claim("m-1", "m", "Over 50,000 Russian soldiers have deserted.", "Meduza",
              time_ref="2024"),
    ]  # fmt: skip
    (g,) = group_claims(claims, docs)
    # Two periods: neither figure confirms the other; shown side by side as a dispute.
    assert g.label == GroupLabel.contested
    assert any(n.startswith("not comparable: different periods") for n in g.notes)
    assert not any(n.startswith(("figures agree", "figures disagree")) for n in g.notes)


def test_different_nationalities_are_never_grouped() -> None:
    docs = {"r": doc("r", outlet="Reuters"), "m": doc("m", outlet="Meduza")}
    claims = [
        claim("r-1", "r", "Around 5,000 Russian soldiers have deserted.", "Reuters"),
        claim("m-1", "m", "Around 5,000 Ukrainian soldiers have deserted.", "Meduza"),
    ]
    groups = group_claims(claims, docs)
    assert [len(g.members) for g in groups] == [1, 1]
    assert all(g.label == GroupLabel.single_source for g in groups)


def test_paraphrases_without_figures_group_and_corroborate() -> None:
    docs = {"n": doc("n", relays=["National Resistance Center of Ukraine"]),
            "i": doc("i", outlet="ICARO Media Group", relays=["RAND Corporation"])}  # fmt: skip
    claims = [
        claim("n-1", "n", "Russian soldiers are not released from the army after their "
              "contracts expire.", "National Resistance Center of Ukraine"),
        claim("i-1", "i", "Russian soldiers are not released from the army after their "
              "contracts end.", "RAND Corporation"),
    ]  # fmt: skip
    (g,) = group_claims(claims, docs)
    assert g.label == GroupLabel.corroborated
    assert g.independent_sources == 2
    assert g.notes == []


def test_unrelated_claims_get_one_single_source_group_each() -> None:
    claims = [
        DESERTED,
        claim("000-c05", "000", "Ukraine's Supreme Rada has not extended the amnesty.",
              "the article", Certainty.asserted),
        claim("001-c09", "001", "Russian forces captured an area half the size of London in "
              "November.", "reports"),
    ]  # fmt: skip
    groups = group_claims(claims, SEED_DOCS)
    assert [g.id for g in groups] == ["grp-001", "grp-002", "grp-003"]
    assert [g.claim_ids for g in groups] == [["000-c01"], ["000-c05"], ["001-c09"]]
    assert all(g.label == GroupLabel.single_source for g in groups)
    assert all(g.independent_sources == 1 for g in groups)


def test_similar_claims_within_one_document_stay_single() -> None:
    claims = [
        claim("000-c01", "000", "About 30,000 Ukrainian soldiers deserted in 2023.", "TASS"),
        claim("000-c02", "000", "Around 30,000 Ukrainian soldiers deserted in 2023.", "TASS"),
    ]
    groups = group_claims(claims, SEED_DOCS)
    assert [g.claim_ids for g in groups] == [["000-c01"], ["000-c02"]]


def test_every_claim_in_exactly_one_group_and_ids_are_stable() -> None:
    claims = [DESERTED, CHARGED, SPECULATED, *_extra_claims()]
    groups = group_claims(claims, SEED_DOCS)
    ids = [cid for g in groups for cid in g.claim_ids]
    assert sorted(ids) == sorted(c.id for c in claims)
    assert [g.id for g in groups] == [f"grp-{i:03d}" for i in range(1, len(groups) + 1)]


def test_empty_input() -> None:
    assert group_claims([], {}) == []


def test_unknown_document_falls_back_to_doc_id() -> None:
    (g,) = group_claims([claim("x-1", "x", "115 soldiers were dismissed.", "the article")], {})
    assert g.members[0].source_key == "x"


def _extra_claims() -> list[Claim]:
    return [
        claim("000-c03", "000", "Only approximately 29,000 Ukrainian soldiers returned under "
              "the amnesty by the August 30 deadline.", "Russian security forces (via TASS)"),
        claim("000-c04", "000", "The Ukrainian soldiers who returned represent less than 10% of "
              "the estimated total deserters.", "Russian security forces (via TASS)"),
        claim("001-c01", "001", "Tens of thousands of tired and demoralized Ukrainian soldiers "
              "have abandoned the front lines.", "Officials and commanders"),
        claim("001-c03", "001", "Nearly half of the Ukrainian soldiers charged with desertion "
              "left after Kyiv's failed offensive last year.",
              "Ukrainian Prosecutor General's Office"),
        claim("001-c04", "001", "Around 300,000 Ukrainian soldiers were engaged in the conflict "
              "before last year's mobilization.", "Associated Press"),
    ]  # fmt: skip


@settings(max_examples=25, deadline=None)
@given(st.randoms(use_true_random=False))
def test_output_does_not_depend_on_input_order(rnd: random.Random) -> None:
    claims = [DESERTED, CHARGED, SPECULATED, *_extra_claims()]
    expected = [g.model_dump() for g in group_claims(claims, SEED_DOCS)]
    shuffled = claims[:]
    rnd.shuffle(shuffled)
    assert [g.model_dump() for g in group_claims(shuffled, SEED_DOCS)] == expected


def _doc(doc_id: str, text: str) -> Document:
    return Document(id=doc_id, path=f"{doc_id}.txt", text=text)


def _sentence_claim(doc: Document, sentence: str, who: str, certainty: Certainty) -> Claim:
    start = doc.text.index(sentence)
    return Claim(
        id=f"{doc.id}:c01", doc_id=doc.id, text=sentence, quote=sentence, start=start,
        end=start + len(sentence), attributed_to=who, certainty=certainty,
        quantities=parse_quantities(sentence),
    )  # fmt: skip


def test_the_figure_takes_what_it_counts_from_the_sentence_before() -> None:
    """SYNTHETIC text on another story (a strike march, the protest vocabulary): "the figure"
    counts what "the number of marchers" in the sentence before names."""
    a = _doc("s1", "Velmora police said 12,000 people marched on Tuesday.")
    b = _doc("s2", "The union disputed the police count. The number of marchers was far higher, "
                   "organisers said. A union steward speculated that the figure could reach "
                   "60,000.")  # fmt: skip
    ca = _sentence_claim(a, a.text, "Velmora police", Certainty.reported)
    cb = _sentence_claim(b, "A union steward speculated that the figure could reach 60,000.",
                         "a union steward", Certainty.speculative)  # fmt: skip
    (g,) = [g for g in group_claims([ca, cb], {"s1": a, "s2": b}, ("protest",))
            if ca.id in g.claim_ids]  # fmt: skip
    assert sorted(g.claim_ids) == [ca.id, cb.id]
    (fig,) = next(m for m in g.members if m.claim_id == cb.id).measures
    assert fig.counted == "marchers"
    assert fig.context == "The number of marchers was far higher, organisers said."
    assert fig.counts == "speculated ceiling (marched)"


def test_whose_soldiers_comes_from_the_document_when_the_claim_does_not_say() -> None:
    """SYNTHETIC text: the claim names Russia only as the invader; the document is about
    Ukrainian soldiers, so its figure is not set beside a figure for Russian soldiers."""
    ua = _doc("u1", "Ukrainian soldiers are tired. Many Ukrainian soldiers have left their units. "
                    "Since Russia's invasion, over 100,000 soldiers have been charged with "
                    "desertion.")  # fmt: skip
    ru = _doc("r1", "A report said that hundreds of Russian soldiers deserted.")
    other = _doc("u2", "An estimated 300,000 Ukrainian soldiers have deserted, officials said.")
    cu = _sentence_claim(ua, "Since Russia's invasion, over 100,000 soldiers have been charged "
                             "with desertion.", "prosecutors", Certainty.reported)  # fmt: skip
    cr = _sentence_claim(ru, ru.text, "a report", Certainty.reported)
    co = _sentence_claim(other, other.text, "officials", Certainty.reported)
    docs = {d.id: d for d in (ua, ru, other)}
    groups = group_claims([cu, cr, co], docs, ("desertion",))
    (g,) = [g for g in groups if cu.id in g.claim_ids]
    assert sorted(g.claim_ids) == sorted([co.id, cu.id])  # Ukrainian figures, not the Russian
    assert "Ukrainian" in g.proposition
