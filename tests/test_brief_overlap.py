"""The brief's stages overlap: no stage waits for the whole previous one when its data is ready.

Against a loopback OpenAI-compatible server (`wireservers.py`), three one-paragraph articles:
- a document's claims are judged, and its perspective drafted, while another document is
  still being extracted: the server holds the last article's extraction until a judge
  request and a perspective request arrive;
- the overview is requested while a claim is still being judged: the server holds the
  first judge request until the overview request arrives.
Run one stage after another, each hold would last its whole (deadlock-breaking) wait and the
check would fail. The overlapped brief is the same brief, from the same request bodies, as
the stages run one by one (`extract`, `verify`, `write_brief`).
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any

import pytest
from bench_providers import answer  # one grounded claim per chunk, worded apart: judged
from wireservers import WireServer, first_user_text

from verifier import api
from verifier.models.gateway import Gateway
from verifier.settings import Settings

MODEL = "openai-compatible/overlap"
WAIT_S = 30.0  # only breaks a deadlock; nothing is asserted about time

ARTICLES = {
    "alpha.txt": "Alpha\n\nThe council of Alphaville approved 12 new homes on Monday after a "
    "long debate in the town hall.",
    "beta.txt": "Beta\n\nThe mayor of Betatown said on Tuesday that 40 trees would be planted "
    "along the river next spring.",
    "gamma.txt": "Gamma\n\nOfficials in Gammaford reported that 3 bridges were closed for "
    "repairs during the storm on Friday.",
}


@pytest.fixture
def docs(tmp_path: Path) -> list[Any]:
    folder = tmp_path / "docs"
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return api.load_documents(folder)


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Any:
    for k in list(os.environ):
        if k.startswith("VERIFIER_") or k.endswith(("_API_KEY", "_API_BASE", "_BASE_URL")):
            monkeypatch.delenv(k)
    monkeypatch.setenv("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    with WireServer("openai") as s:
        s.answer = answer
        yield s


def _gateway(server: WireServer, cache: Path, concurrency: int) -> Gateway:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        model=MODEL,
        api_base=server.root + "/v1",
        cache_dir=cache,
        timeout_s=60,
        transport_retries=1,
    )
    return Gateway(settings, concurrency=concurrency)


def _schema(body: dict[str, Any]) -> str:
    return str(body["response_format"]["json_schema"]["name"])


def test_judging_and_drafting_start_before_the_previous_stage_ends(server, docs, tmp_path):
    judging, perspective_sent, overview_sent = (threading.Event() for _ in range(3))
    seen: dict[str, bool] = {}

    def holding(body: dict[str, Any], n: int) -> dict[str, Any]:
        name, text = _schema(body), first_user_text(body)
        if name == "JudgeVerdict" and not judging.is_set():
            judging.set()
            seen["overview asked while a claim was judged"] = overview_sent.wait(WAIT_S)
        elif name == "ClaimDrafts" and "Gammaford" in text:  # the last article
            seen["a claim judged while a document was extracted"] = judging.wait(WAIT_S)
            seen["a perspective drafted while a document was extracted"] = perspective_sent.wait(
                WAIT_S
            )
        elif name == "PerspectiveDraft":
            perspective_sent.set()
        elif name == "OverviewDraft":
            overview_sent.set()
        return answer(body, n)

    server.answer = holding
    # Three slots: the held extraction, the held judge call, and one for everything else.
    with _gateway(server, tmp_path / "cache", 3) as gw:
        brief = api.run_brief(docs, gw, concurrency=3)
    assert seen == {
        "a claim judged while a document was extracted": True,
        "a perspective drafted while a document was extracted": True,
        "overview asked while a claim was judged": True,
    }
    assert [v.method for v in brief.verdicts] == ["llm+deterministic"] * 3
    assert not [c for c in brief.calls if c.error]


def test_every_document_failing_sends_nothing_after_extraction(server, tmp_path):
    """Each article's second chunk fails (500; the first is 2,000 characters of its first
    part), so every document is recorded as failed, with its first chunk's claim kept: no
    judge call and no draft is sent, as when the stages ran one by one."""
    folder = tmp_path / "long"
    folder.mkdir()
    for town in ("Alphaville", "Betatown"):
        first = f"The council of {town} approved 12 new homes after a long debate. " * 40
        second = f"SECOND part: the mayor of {town} said 40 trees would be planted soon. " * 14
        (folder / f"{town}.txt").write_text(f"{town}\n\n{first}\n\n{second}", encoding="utf-8")
    docs = api.load_documents(folder)
    server.fail = lambda body, n: 500 if "SECOND part" in first_user_text(body) else None
    with _gateway(server, tmp_path / "cache", 4) as gw, pytest.raises(Exception) as failed:
        api.run_brief(docs, gw, concurrency=4)
    assert str(failed.value).startswith("all 2 documents failed extraction, nothing to brief")
    assert "claims from the other" in str(failed.value)  # the first chunks did answer
    assert {_schema(s.body) for s in server.chat_requests} == {"ClaimDrafts"}


@pytest.mark.parametrize("concurrency", [1, 4])
def test_overlapped_brief_equals_the_stages_run_one_by_one(server, docs, tmp_path, concurrency):
    with _gateway(server, tmp_path / "staged", 1) as gw:
        extraction = api.extract(docs, gw)
        claims = extraction.all_claims()
        verified = api.verify(claims, docs, gw)
        staged = api.write_brief(gw, docs, claims, verified.verdicts, verified.groups)
        staged_calls = [c.label for c in gw.records]
    staged_bodies = sorted(json.dumps(s.body, sort_keys=True) for s in server.chat_requests)
    before = len(server.chat_requests)
    with _gateway(server, tmp_path / "overlapped", concurrency) as gw:
        brief = api.run_brief(docs, gw, concurrency=concurrency)
    bodies = sorted(json.dumps(s.body, sort_keys=True) for s in server.chat_requests[before:])
    # 3 extraction chunks, 3 judge calls, an overview and 3 perspectives (one per article).
    assert len(bodies) == 10 and bodies == staged_bodies
    assert brief.model_dump(exclude={"calls", "extraction_strategy"}) == staged.model_dump(
        exclude={"calls", "extraction_strategy"}
    )
    labels = [c.label for c in brief.calls]
    assert sorted(labels) == sorted(staged_calls)
    stage = [0 if x.startswith("extract") else 1 if x.startswith("verify") else 2 for x in labels]
    assert stage == sorted(stage)  # records listed stage by stage
    if concurrency == 1:  # one request at a time: the very order of the stages run one by one
        assert labels == staged_calls
