"""The provider matrix, tested at the wire: a loopback server per provider protocol.

Every case runs the real single-pass extraction through the real gateway (litellm +
instructor over HTTP) against `tests/wireservers.py`, which speaks that provider's format.
The first answer quotes words that are not in the article (validation fails), the re-ask
quotes them exactly (it passes). Requests are checked: path, key header, what the body asks
for (tools / tool_choice, response_format, format), parameters the provider refuses.

Expected values come from the article written below: its one claim sentence is GOOD, and
"The council approved 99 homes." is not in it (a wrong number, so a check fails).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import cli_env
from wireservers import WireServer, all_text

from verifier.models.gateway import Gateway
from verifier.pipeline.documents import load_documents
from verifier.pipeline.extraction import extract
from verifier.settings import Settings

ARTICLE = (
    "Council vote\n\nThe council of Townville approved 12 new homes on Monday. "
    "Officials said work would start in spring.\n"
)
GOOD = "The council of Townville approved 12 new homes on Monday."
BAD = "The council approved 99 homes."
#: Fake keys, built so that no key-like literal sits in the repository.
KEYS = {
    "OPENAI_API_KEY": "sk-" + "wireOPENAI0123456789abc",
    "ANTHROPIC_API_KEY": "sk-ant-" + "wireANTHROPIC0123456789",
    "GEMINI_API_KEY": "AIza" + "wireGEMINI0123456789abcdef",
    "VERIFIER_API_KEY": "vk-" + "wireCOMPAT0123456789abc",
}


def claim(quote: str) -> dict[str, Any]:
    return {"claims": [{"text": GOOD, "quote": quote, "claim_type": "event",
                        "attributed_to": "the article", "certainty": "asserted"}]}  # fmt: skip


def bad_then_good(body: dict[str, Any], n: int) -> dict[str, Any]:
    return claim(BAD if n == 1 else GOOD)


def _tools_openai(b: dict[str, Any]) -> None:
    assert b["tools"][0]["type"] == "function"
    assert b["tools"][0]["function"]["name"] == "ClaimDrafts"
    assert b["tool_choice"] == {"type": "function", "function": {"name": "ClaimDrafts"}}
    assert b["seed"] == 1234 and b["temperature"] == 0.0


def _tools_anthropic(b: dict[str, Any]) -> None:
    assert b["tools"][0]["name"] == "ClaimDrafts" and "input_schema" in b["tools"][0]
    assert b["tool_choice"] == {"type": "tool", "name": "ClaimDrafts"}
    assert "seed" not in all_text(b)  # the Messages API refuses it
    assert isinstance(b["max_tokens"], int) and b["messages"][0]["role"] == "user"


def _tools_gemini(b: dict[str, Any]) -> None:
    tool = b["tools"][0]
    (decl,) = tool.get("functionDeclarations") or tool["function_declarations"]
    assert decl["name"] == "ClaimDrafts"
    config = b["toolConfig"]["functionCallingConfig"]
    assert config["mode"] == "ANY" and config["allowed_function_names"] == ["ClaimDrafts"]
    assert b["generationConfig"]["seed"] == 1234 and b["contents"][0]["role"] == "user"


def _json_ollama(b: dict[str, Any]) -> None:
    assert b["format"] == "json" and b["stream"] is False
    assert b["options"]["seed"] == 1234 and b["options"]["temperature"] == 0.0


def _schema_compat(b: dict[str, Any]) -> None:
    rf = b["response_format"]
    assert rf["type"] == "json_schema" and rf["json_schema"]["name"] == "ClaimDrafts"
    assert "claims" in rf["json_schema"]["schema"]["properties"]
    assert "tools" not in b


#: provider, protocol, model, environment (ROOT = the server), path, key header, body check
MATRIX = [
    ("openai", "openai", "openai/gpt-4o-mini",
     {"OPENAI_API_KEY": KEYS["OPENAI_API_KEY"], "OPENAI_API_BASE": "ROOT/v1"},
     "/v1/chat/completions", ("authorization", f"Bearer {KEYS['OPENAI_API_KEY']}"),
     _tools_openai),
    # A base copied with /v1 must not become /v1/v1/messages.
    ("anthropic", "anthropic", "anthropic/claude-3-5-haiku-latest",
     {"ANTHROPIC_API_KEY": KEYS["ANTHROPIC_API_KEY"], "ANTHROPIC_API_BASE": "ROOT/v1"},
     "/v1/messages", ("x-api-key", KEYS["ANTHROPIC_API_KEY"]), _tools_anthropic),
    ("gemini", "gemini", "gemini/gemini-2.0-flash",
     {"GEMINI_API_KEY": KEYS["GEMINI_API_KEY"], "GEMINI_API_BASE": "ROOT/v1beta"},
     "/v1beta/models/gemini-2.0-flash:generateContent",
     ("x-goog-api-key", KEYS["GEMINI_API_KEY"]), _tools_gemini),
    ("ollama", "ollama", "ollama/llama3.1", {"OLLAMA_API_BASE": "ROOT"}, "/api/chat",
     None, _json_ollama),
    ("openai-compatible", "openai", "openai-compatible/qwen2.5-7b-instruct",
     {"VERIFIER_API_BASE": "ROOT/v1", "VERIFIER_API_KEY": KEYS["VERIFIER_API_KEY"]},
     "/v1/chat/completions", ("authorization", f"Bearer {KEYS['VERIFIER_API_KEY']}"),
     _schema_compat),
]  # fmt: skip


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for k in list(os.environ):
        if k.startswith("VERIFIER_") or k.endswith(("_API_KEY", "_API_BASE", "_BASE_URL")):
            monkeypatch.delenv(k)
    monkeypatch.setenv("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    return monkeypatch


@pytest.fixture
def article(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "townville.txt").write_text(ARTICLE, encoding="utf-8")
    return folder


def settings(tmp_path: Path, model: str, **kw: Any) -> Settings:
    base: dict[str, Any] = {"model": model, "cache_dir": tmp_path / "cache", "timeout_s": 5,
                            "transport_retries": 1, "backoff_base_s": 0.01}  # fmt: skip
    return Settings(_env_file=None, **(base | kw))  # type: ignore[call-arg]


def point(env: dict[str, str], server: WireServer, mp: pytest.MonkeyPatch) -> None:
    for k, v in env.items():
        mp.setenv(k, v.replace("ROOT", server.root))


@pytest.mark.parametrize("case", MATRIX, ids=[c[0] for c in MATRIX])
def test_provider_speaks_its_protocol_with_a_reask(case, clean_env, article, tmp_path):
    name, protocol, model, env, path, key_header, check_body = case
    cassette = tmp_path / "cassette.yaml"
    with WireServer(protocol) as server:
        server.answer = bad_then_good
        point(env, server, clean_env)
        with Gateway(settings(tmp_path, model, cassette=cassette, record=True)) as gw:
            assert gw.provider.name == name
            result = extract(gw, load_documents([article]))
    doc = result.documents[0]
    assert doc.error is None
    assert [(c.quote, c.grounding.grounded) for c in doc.claims] == [(GOOD, True)]
    (call,) = result.calls
    assert call.attempts == 2 and call.error is None
    assert call.dropped_params == (["seed"] if name == "anthropic" else [])
    first, reask = server.chat_requests
    for seen in (first, reask):
        assert seen.path == path
        check_body(seen.body)
        if key_header:
            assert seen.headers[key_header[0]] == key_header[1]
            assert key_header[1] not in all_text(seen.body) and not seen.query
    fix = "Fix these claims"  # the validation error, sent back with the re-ask
    assert fix in all_text(reask.body) and fix not in all_text(first.body)
    # The key reached the server, never the cassette or the cache.
    if key_header:
        stored = cassette.read_text() + "".join(
            p.read_bytes().decode("latin-1") for p in (tmp_path / "cache").rglob("*") if p.is_file()
        )
        assert key_header[1] not in stored
    # Replayed offline from the cassette: same claims, nothing sent.
    with WireServer(protocol) as idle:
        offline = settings(tmp_path, model, cassette=cassette, offline=True, cache=False)
        with Gateway(offline) as gw:
            again = extract(gw, load_documents([article]))
        assert idle.seen == []
    assert again.documents[0].claims == doc.claims


def test_every_provider_is_in_the_matrix_and_resolves(clean_env):
    from verifier.models.providers import PROVIDERS

    assert {c[0] for c in MATRIX} | {"local"} == set(PROVIDERS.names())


def test_tools_fallback_keeps_what_validated(clean_env, article, tmp_path):
    """Re-asks run out in TOOLS mode: the claim (from the tool call) is kept, ungrounded."""
    with WireServer("openai") as server:
        server.answer = lambda body, n: claim(BAD)
        point(MATRIX[0][3], server, clean_env)
        with Gateway(settings(tmp_path, "openai/gpt-4o-mini")) as gw:
            result = extract(gw, load_documents([article]))
    doc = result.documents[0]
    assert doc.error is None
    assert [(c.quote, c.grounding.grounded) for c in doc.claims] == [(BAD, False)]
    assert len(server.chat_requests) == 2  # first try and one re-ask (single-pass reasks=1)


def run_cli(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "verifier", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)  # fmt: skip


@pytest.mark.parametrize("verbose", [[], ["-v"]], ids=["quiet", "verbose"])
def test_missing_key_is_a_config_error_before_any_call(article, tmp_path, verbose):
    with WireServer("anthropic") as server:
        env = cli_env()
        env.pop("OPENAI_API_KEY")
        env["ANTHROPIC_API_BASE"] = server.root
        r = run_cli([*verbose, "--cache-dir", str(tmp_path / "c"), "-m",
                     "anthropic/claude-3-5-haiku-latest", "extract", str(article)],
                    env, tmp_path)  # fmt: skip
        assert server.seen == []
    assert r.returncode == 2, r.stderr
    assert "error: model provider anthropic: set ANTHROPIC_API_KEY" in r.stderr


def test_verifier_api_base_reaches_only_openai_protocol_providers(clean_env, article, tmp_path):
    with WireServer("openai") as wrong, WireServer("anthropic") as right:
        right.answer = lambda body, n: claim(GOOD)
        clean_env.setenv("VERIFIER_API_BASE", wrong.root + "/v1")
        clean_env.setenv("ANTHROPIC_API_BASE", right.root)
        clean_env.setenv("ANTHROPIC_API_KEY", KEYS["ANTHROPIC_API_KEY"])
        with Gateway(settings(tmp_path, "anthropic/claude-3-5-haiku-latest")) as gw:
            result = extract(gw, load_documents([article]))
    assert wrong.seen == [] and len(right.chat_requests) == 1
    assert result.documents[0].claims[0].quote == GOOD


def test_cache_is_per_endpoint_and_holds_no_credentials(clean_env, article, tmp_path):
    secret = "pw" + "SECRETinURL42"
    model = "openai-compatible/qwen2.5-7b-instruct"
    with WireServer("openai") as a, WireServer("openai") as b:
        a.answer = b.answer = lambda body, n: claim(GOOD)
        for server, expected in ((a, 1), (a, 0), (b, 1)):
            clean_env.setenv(
                "VERIFIER_API_BASE", f"http://user:{secret}@127.0.0.1:{server.port}/v1"
            )
            before = len(server.chat_requests)
            with Gateway(settings(tmp_path, model)) as gw:
                result = extract(gw, load_documents([article]))
                assert gw.endpoint == f"http://127.0.0.1:{server.port}/v1"
            assert len(server.chat_requests) - before == expected  # b is not served a's answer
            assert result.calls[0].cache_hit is (expected == 0)
    stored = b"".join(p.read_bytes() for p in (tmp_path / "cache").rglob("*") if p.is_file())
    assert secret.encode() not in stored
    assert secret not in result.model_dump_json()


def test_redirect_to_another_host_is_not_followed(clean_env, article, tmp_path):
    with WireServer("openai") as target, WireServer("openai") as redirector:
        redirector.redirect_to = f"http://localhost:{target.port}"
        point(MATRIX[0][3], redirector, clean_env)
        with Gateway(settings(tmp_path, "openai/gpt-4o-mini")) as gw:
            result = extract(gw, load_documents([article]))
        assert target.seen == []
    assert "redirected to another host" in (result.documents[0].error or "")
    assert KEYS["OPENAI_API_KEY"] not in result.model_dump_json()


def test_calls_in_flight_are_bounded_by_concurrency(clean_env, tmp_path):
    """Chunks of one document run together (not one document at a time), at most c at once."""
    folder = tmp_path / "long"
    folder.mkdir()
    # 12 paragraphs of ~400 characters: 3 chunks of 2,000 characters or so.
    para = "The council of Townville approved 12 new homes on Monday. " * 7
    (folder / "long.txt").write_text("Long\n\n" + "\n\n".join([para] * 12), encoding="utf-8")
    with WireServer("openai") as server:
        server.answer = lambda body, n: claim(GOOD)
        server.delay_s = 0.3
        point(MATRIX[-1][3], server, clean_env)
        with Gateway(settings(tmp_path, MATRIX[-1][2]), concurrency=2) as gw:
            result = extract(gw, load_documents([folder]))
    assert len(result.calls) >= 3 and len(server.chat_requests) == len(result.calls)
    assert server.max_in_flight == 2


def test_half_the_calls_failing_keeps_the_rest_and_exits_4(tmp_path):
    """One provider fails every request for half the documents: the others are kept."""
    docs = tmp_path / "docs"
    docs.mkdir()
    for i in range(4):
        (docs / f"d{i}.txt").write_text(
            f"Town {i}\n\nThe council of Town{i} approved {10 + i} new homes on Monday.\n",
            encoding="utf-8",
        )

    def answer(body: dict[str, Any], n: int) -> dict[str, Any]:
        text = all_text(body)
        i = next(i for i in range(4) if f"Town{i} approved" in text)
        q = f"The council of Town{i} approved {10 + i} new homes on Monday."
        return {"claims": [{"text": q, "quote": q, "claim_type": "event",
                            "attributed_to": "the article", "certainty": "asserted"}]}  # fmt: skip

    with WireServer("openai") as server:
        server.answer = answer
        failing = ("Town1 approved", "Town3 approved")
        server.fail = lambda body, n: 500 if any(t in all_text(body) for t in failing) else None
        env = cli_env(VERIFIER_API_BASE=server.root + "/v1")
        out = tmp_path / "out.json"
        args = ["-m", "openai-compatible/m", "extract", str(docs), "-o", str(out)]
        r = run_cli(
            ["--cache-dir", str(tmp_path / "c"), *args, "--concurrency", "4"], env, tmp_path
        )
    assert r.returncode == 4, r.stderr
    assert "incomplete run: 2 of 4 documents failed, 2 of 4 model calls failed" in r.stderr
    data = json.loads(out.read_text())
    kept = {d["doc_id"]: len(d["claims"]) for d in data["documents"] if not d["error"]}
    assert kept == {"d0": 1, "d2": 1}
    failed = {d["doc_id"]: d["error"] for d in data["documents"] if d["error"]}
    assert set(failed) == {"d1", "d3"} and all("HTTP 500" in e for e in failed.values())
