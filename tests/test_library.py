"""The library as a researcher uses it: the README session, settings, global options, records."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import verifier
from verifier.cli.app import app
from verifier.cli.argv import hoist_global_options
from verifier.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]
BASELINES = ROOT / "tests" / "baselines"


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VERIFIER_")}
    env.pop("OPENAI_API_KEY", None)
    return {**env, "LITELLM_LOCAL_MODEL_COST_MAP": "True", **extra}


def test_readme_python_session_runs_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## From Python", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    assert code, "README has no Python session under 'From Python'"
    for k in [k for k in os.environ if k.startswith("VERIFIER_")]:
        monkeypatch.delenv(k)
    monkeypatch.setenv("VERIFIER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(ROOT)
    exec(compile(code.group(1), "README.md", "exec"), {})
    lines = capsys.readouterr().out.splitlines()
    # 73 gold claims, all supported by their own article (gold guidelines: every quote verbatim);
    # evals/gold/groups.json has 5 groups, but code groups every claim (5 seeds → 70 groups).
    supported, n_groups = lines[0].split()
    assert supported == "73" and int(n_groups) > 0
    assert lines[1] == "1.0"
    baseline = json.loads((BASELINES / "seeds-local.json").read_text())
    assert lines[2] == f"local {round(baseline['claim_f1'], 3)}"


def test_public_api_is_listed_and_lazy() -> None:
    assert {"load_documents", "get_model", "extract", "verify", "group", "write_brief"} <= set(
        verifier.__all__
    )
    assert {"check_brief", "run_brief", "evaluate", "score"} <= set(verifier.__all__)
    code = "import sys, verifier; print('litellm' in sys.modules, 'verifier.api' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_run_extract_and_run_verify_open_a_model_only_when_needed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The CLI's `extract` and `verify` as library calls: a baseline strategy and deterministic
    checks open no model (no calls recorded, no server started); without claims or settings
    there is nothing to verify with, said in one line."""
    for k in [k for k in os.environ if k.startswith("VERIFIER_")]:
        monkeypatch.delenv(k)
    docs = verifier.load_documents([ROOT / "seeds"])
    settings = verifier.load_settings({"offline": True, "cache_dir": tmp_path / "cache"})
    extraction = verifier.run_extract(docs, settings, "sentences")
    # seeds/ holds five articles; `sentences` is a baseline that needs no model
    assert (extraction.summary.documents, extraction.summary.failed_documents) == (5, 0)
    assert extraction.strategy == "sentences" and extraction.calls == []
    gold = verifier.load_claims(ROOT / "evals" / "gold")
    checked = verifier.run_verify(docs, None, gold)
    # 73 gold claims, each quoted verbatim from its own article (gold guidelines)
    assert len(checked.verdicts) == 73 and checked.counts["supported"] == 73
    assert checked.model is None and checked.calls == []
    with pytest.raises(verifier.VerifierError, match="extraction needs a model") as e:
        verifier.run_verify(docs, None)
    assert e.value.exit_code == 2


def test_settings_precedence_flags_over_env_over_config_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for k in [k for k in os.environ if k.startswith("VERIFIER_")]:
        monkeypatch.delenv(k)
    config = tmp_path / "verifier.yaml"
    config.write_text("model: openai/from-file\nseed: 5\ntemperature: 0.5\napi_base: http://f\n")
    monkeypatch.setenv("VERIFIER_SEED", "7")
    s = verifier.Settings.load({"temperature": 0.25}, config_file=config)
    assert (s.model, s.seed, s.temperature, s.api_base) == ("openai/from-file", 7, 0.25, "http://f")
    # .env is read only when asked for, even when one sits in the working directory.
    (tmp_path / ".env").write_text("VERIFIER_MODEL=openai/from-dotenv\n")
    monkeypatch.chdir(tmp_path)
    assert verifier.Settings.load().model == "local"
    assert verifier.Settings.load(env_file=tmp_path / ".env").model == "openai/from-dotenv"
    config.write_text("modle: typo\n")
    with pytest.raises(ConfigError, match="unknown setting"):
        verifier.Settings.load(config_file=config)


def test_global_options_move_before_the_command_unless_the_command_has_them() -> None:
    assert hoist_global_options(app, ["eval", "--offline", "--json", "--cache-dir", "/c"]) == [
        "--offline",
        "--cache-dir",
        "/c",
        "eval",
        "--json",
    ]
    # eval has its own --model (repeatable): it stays with eval.
    assert hoist_global_options(app, ["eval", "-m", "local", "--offline"]) == [
        "--offline",
        "eval",
        "-m",
        "local",
    ]
    assert hoist_global_options(app, ["cache", "stats", "--cache-dir=/c"]) == [
        "--cache-dir=/c",
        "cache",
        "stats",
    ]


def test_eval_honours_verifier_model_with_options_after_the_command(tmp_path: Path) -> None:
    # Run from outside the checkout: the built-in suite and its cassette come from the package.
    env = _clean_env(VERIFIER_MODEL="local:gemma3-270m", VERIFIER_CACHE_DIR=str(tmp_path / "c"))
    r = subprocess.run(
        [sys.executable, "-m", "verifier", "eval", "--offline", "--json", "--no-save"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert r.returncode == 0, r.stderr
    got = json.loads(r.stdout)
    assert got["model"] == "local:gemma3-270m"
    baseline = json.loads((BASELINES / "seeds-local_gemma3-270m.json").read_text())
    assert got["claim_f1"] == baseline["claim_f1"]


def test_run_record_names_the_source_revision_and_full_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for k in [k for k in os.environ if k.startswith("VERIFIER_")]:
        monkeypatch.delenv(k)
    monkeypatch.chdir(tmp_path)  # not a git checkout: the revision must still be the source's
    settings = verifier.load_settings({"offline": True, "cache_dir": tmp_path / "cache"})
    # The local cassette holds the default strategy for `local` (staged).
    run = verifier.evaluate("seeds", settings, strategy="staged")
    src = Path(verifier.__file__).parent
    rev = subprocess.run(
        ["git", "-C", str(src), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert run.git_revision is not None and run.git_revision.split("-")[0] == rev
    cfg = run.config
    assert cfg["package_version"] == verifier.__version__
    assert cfg["strategy"] == "staged" and cfg["strategy_params"]
    assert cfg["model"] == "local" and cfg["seed"] == 1234 and cfg["temperature"] == 0.0
    assert cfg["thresholds"]["checks.ATTRIBUTION_MIN_SHARE"] == 0.6
    assert run.prompt_versions
