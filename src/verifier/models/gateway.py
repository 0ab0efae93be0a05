"""The model gateway: every LLM call in `verifier` goes through `Gateway.structured`.

litellm carries the request to any provider (or the embedded llama.cpp server), instructor
turns the answer into a validated pydantic object (re-asking with the validation error),
diskcache answers repeated calls, and vcrpy can replay recorded HTTP. litellm and
instructor are imported only on a cache miss, so a fully cached run never pays for them.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import os
import re
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from verifier.errors import (
    ConfigError,
    LocalServerError,
    ModelCallError,
    ModelOutputError,
    OfflineMiss,
)
from verifier.models.cache import ResponseCache, cache_key
from verifier.models.local import resolve_local
from verifier.models.providers import Provider, provider_for
from verifier.prompts import Prompt
from verifier.schemas import CallRecord
from verifier.settings import Settings

log = logging.getLogger("verifier")
T = TypeVar("T", bound=BaseModel)
A = TypeVar("A")
R = TypeVar("R")

#: Headers that must never reach a cassette.
SECRET_HEADERS = ("authorization", "api-key", "x-api-key", "x-goog-api-key", "openai-organization")


@dataclass
class Structured(Generic[T]):
    """A typed answer and how it was obtained."""

    value: T
    record: CallRecord
    validation_errors: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        """False when re-asks ran out and `value` is the last answer parsed without context."""
        return not self.validation_errors


@dataclass(frozen=True)
class Route:
    """How to reach a model: its provider, litellm model string, base URL, instructor mode."""

    model: str
    litellm_model: str
    api_base: str | None
    mode: str
    identity: str  # what the cache keys on: model and endpoint (never credentials or a port)
    provider: Provider


def route_for(model: str, settings: Settings) -> Route:
    """Resolve a model string through the provider registry (a ConfigError if unknown)."""
    provider = provider_for(model)
    if provider.name == "local":
        lm = resolve_local(model)
        return Route(model, provider.litellm_model(model), None, "JSON",
                     f"local:{lm.served_name}", provider)  # fmt: skip
    mode = (settings.instructor_mode or provider.mode).upper()
    base = provider.api_base(settings.api_base)
    identity = f"{model}@{provider.endpoint(base)}"
    return Route(model, provider.litellm_model(model), base, mode, identity, provider)


class Throttle:
    """At most `limit` requests in flight; a 429 pauses every sender, not only the one hit."""

    def __init__(self, limit: int) -> None:
        self.limit = max(1, limit)
        self._slots = threading.BoundedSemaphore(self.limit)
        self._lock = threading.Lock()
        self._resume_at = 0.0

    def pause(self, seconds: float) -> None:
        with self._lock:
            self._resume_at = max(self._resume_at, time.monotonic() + seconds)

    @contextlib.contextmanager
    def slot(self):  # type: ignore[no-untyped-def]
        with self._slots:
            while (wait := self._resume_at - time.monotonic()) > 0:
                time.sleep(wait)
            yield


def parallel_map(fn: Callable[[A], R], items: Iterable[A], workers: int) -> list[R]:
    """`[fn(x) for x in items]`, up to `workers` at once, results in input order."""
    todo = list(items)
    if workers <= 1 or len(todo) <= 1:
        return [fn(x) for x in todo]
    pool = ThreadPoolExecutor(max_workers=min(workers, len(todo)))
    try:
        results = list(pool.map(fn, todo))
    except (KeyboardInterrupt, SystemExit):
        # Ctrl-C or SIGTERM: unwind now. Waiting for the calls in flight would hold the exit
        # for up to the call timeout; the CLI ends the process without joining them.
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    except BaseException:
        pool.shutdown(wait=True)  # a failed item: the others finish (and are cached) first
        raise
    pool.shutdown(wait=True)
    return results


class Gateway:
    """Typed, cached, recorded model calls for one model.

    Calls may come from many threads (`map`): at most `concurrency` requests are in flight,
    and a 429 pauses them all (one shared back-off).
    """

    def __init__(
        self, settings: Settings, model: str | None = None, concurrency: int | None = None
    ) -> None:
        self.settings = settings
        self.route = route_for(model or settings.model, settings)
        self.cache = ResponseCache(settings.cache_dir, enabled=settings.cache)
        self.records: list[CallRecord] = []
        self._lock = threading.Lock()
        self._stack = contextlib.ExitStack()
        self._api_base: str | None = self.route.api_base
        self._api_key: str | None = None
        self._transport_ready = False
        #: raises LocalServerError once the embedded server has died (no retries against it)
        self._server_check: Callable[..., None] | None = None
        self.throttle = Throttle(concurrency or getattr(settings, "concurrency", 1) or 1)

    @property
    def model(self) -> str:
        return self.route.model

    @property
    def provider(self) -> Provider:
        return self.route.provider

    @property
    def concurrency(self) -> int:
        return self.throttle.limit

    @concurrency.setter
    def concurrency(self, limit: int) -> None:
        self.throttle = Throttle(limit)

    @property
    def endpoint(self) -> str:
        """Where requests go, without credentials (recorded with every run)."""
        return self.provider.endpoint(self.route.api_base)

    @property
    def dropped_params(self) -> list[str]:
        """Request parameters this provider refuses, dropped from every request."""
        return self.provider.request_params(self._params(1))[1]

    def map(self, fn: Callable[[A], R], items: Iterable[A]) -> list[R]:
        """`fn` over `items` with up to `concurrency` model calls in flight, in input order.

        Strategies, verification and the brief use it for chunks, judge calls and sections;
        nested maps are fine, as the bound is on requests, not threads.
        """
        return parallel_map(fn, items, self.concurrency)

    def __enter__(self) -> Gateway:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._stack.close()
        self.cache.close()

    # ------------------------------------------------------------------ calls
    def structured(
        self,
        response_model: type[T],
        prompt: Prompt,
        values: dict[str, Any],
        *,
        label: str,
        context: dict[str, Any] | None = None,
        max_retries: int = 2,
        max_tokens: int = 1024,
        choose: Callable[[Any], float] | None = None,
    ) -> Structured[T]:
        """Ask for a `response_model`; validators get `context` and failures are re-asked.

        When re-asks run out, the answer is the failed attempt that `choose` scores highest
        (default: the last), parsed without context, and `validation_errors` says why.
        """
        messages = prompt.render(**values)
        key = cache_key(
            {
                "model": self.route.identity,
                "mode": self.route.mode,
                "messages": messages,
                "schema": _schema(response_model),
                "prompt": prompt.ref,
                "temperature": self.settings.temperature,
                "seed": self.settings.seed,
                "max_tokens": max_tokens,
                "max_retries": max_retries,
                "context": _context_digest(context),
                **(
                    {"request_format": self.provider.request_format}
                    if self.provider.request_format
                    else {}
                ),
            }
        )
        base = {"label": label, "model": self.model, "prompt": prompt.name,
                "prompt_version": prompt.version, "cache_key": key,
                "dropped_params": self.dropped_params}  # fmt: skip
        if not self.settings.refresh:
            hit = self.cache.get(key)
            if hit is not None and "failure" in hit:
                self._remember(
                    CallRecord(**base, cache_hit=True, error=hit["failure"], **hit["usage"])
                )
                raise ModelOutputError(hit["failure"])
            if hit is not None:
                try:
                    value = response_model.model_validate(hit["output"])
                except (ValidationError, KeyError):
                    hit = None  # schema changed under the same key: treat as a miss
                else:
                    rec = CallRecord(**base, cache_hit=True, **hit["usage"])
                    self._remember(rec)
                    return Structured(value, rec, list(hit.get("errors", [])))
        if self.settings.offline and self.settings.cassette is None:
            raise OfflineMiss(
                f"--offline: no cached answer for {label} "
                f"(model {self.model}, prompt {prompt.ref}, "
                f"key {key[:12]}); run once without --offline or give a cassette"
            )
        t0 = time.monotonic()
        usage: dict[str, Any] = {
            "attempts": 0,
            "prompt_tokens": 0,
            "completion_tokens": 0,
            "cost_usd": None,
        }
        try:
            value, errors = self._call(
                response_model, messages, context, max_retries, max_tokens, label, choose, usage
            )
        except ModelOutputError as e:
            # The model's answer failed, not the transport: at a fixed seed and temperature
            # that is the answer, so a re-run fails the same way without paying for it again.
            usage["latency_s"] = round(time.monotonic() - t0, 3)
            self.cache.set(key, {"failure": str(e), "usage": usage})
            self._remember(CallRecord(**base, cache_hit=False, error=str(e), **usage))
            raise
        except ModelCallError as e:  # transport gave up: not cached, but never unrecorded
            usage["latency_s"] = round(time.monotonic() - t0, 3)
            self._remember(CallRecord(**base, cache_hit=False, error=str(e), **usage))
            raise
        usage["latency_s"] = round(time.monotonic() - t0, 3)
        self.cache.set(
            key, {"output": value.model_dump(mode="json"), "usage": usage, "errors": errors}
        )
        rec = CallRecord(**base, cache_hit=False, **usage)
        self._remember(rec)
        return Structured(value, rec, errors)

    def _remember(self, rec: CallRecord) -> None:
        with self._lock:
            self.records.append(rec)

    # -------------------------------------------------------------- transport
    def _ensure_transport(self) -> None:
        with self._lock:
            if self._transport_ready:
                return
            os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
            if self.settings.cassette is not None:
                self._stack.enter_context(
                    use_cassette(self.settings.cassette, self.settings.record)
                )
            replaying = bool(
                self.settings.offline or (self.settings.cassette and not self.settings.record)
            )
            # A missing key is a configuration error before anything is sent, not 5 retries.
            self._api_key = self.provider.api_key(replaying)
            if self.provider.name == "local":
                from verifier.models.local import base_url, running_server

                lm = resolve_local(self.model)
                self._api_key = "local-no-key"
                if replaying:
                    self._api_base = base_url(self.settings, lm)  # replayed: no server needed
                else:
                    server = self._stack.enter_context(running_server(lm, self.settings))
                    self._api_base, self._server_check = server.url, server.check
            from verifier.models.netguard import refuse_cross_host_redirects

            refuse_cross_host_redirects()
            self._transport_ready = True

    def _call(
        self,
        response_model: type[T],
        messages: list[dict[str, str]],
        context: dict[str, Any] | None,
        max_retries: int,
        max_tokens: int,
        label: str,
        choose: Callable[[Any], float] | None,
        usage: dict[str, Any],
    ) -> tuple[T, list[str]]:
        self._ensure_transport()
        import instructor
        from instructor.core.exceptions import IncompleteOutputException, InstructorRetryException

        send = self._sender(response_model, usage)
        try:
            mode = instructor.Mode[self.route.mode]
        except KeyError:
            raise ConfigError(
                f"instructor mode {self.route.mode!r} unknown (VERIFIER_INSTRUCTOR_MODE: "
                "TOOLS, JSON, JSON_SCHEMA, MD_JSON)"
            ) from None
        client = instructor.from_litellm(send, mode=mode)
        kwargs, _ = self.provider.request_params(self._params(max_tokens))
        kwargs |= {"model": self.route.litellm_model, "messages": messages}
        if self._api_base:
            kwargs["api_base"] = self._api_base
        if self._api_key:
            kwargs["api_key"] = self._api_key
        try:
            value = client.chat.completions.create(
                response_model=response_model, max_retries=max_retries, context=context, **kwargs
            )
            return value, []
        except ModelCallError as e:
            raise ModelCallError(f"{label}: {self.model}: {e}") from e
        except InstructorRetryException as e:
            cause = e.__cause__
            if isinstance(cause, ModelCallError):  # transport gave up: say which call
                raise ModelCallError(f"{label}: {self.model}: {cause}") from cause
            if isinstance(cause, (OfflineMiss, ConfigError, LocalServerError)):
                raise cause from None
            if not isinstance(cause, (ValidationError, json.JSONDecodeError, ValueError)):
                raise ModelCallError(f"{label}: {self.model}: {_one_line(cause or e)}") from e
            errors = [_one_line(a.exception) for a in e.failed_attempts]
            candidates = []
            for attempt in e.failed_attempts:
                with contextlib.suppress(ValidationError, ValueError):
                    candidates.append(
                        _lenient(response_model, _completion_text(attempt.completion))
                    )
            if not candidates:
                raise ModelOutputError(
                    f"{label}: {self.model} gave no parsable {response_model.__name__} in "
                    f"{e.n_attempts} attempts: {errors[-1] if errors else _one_line(e)}"
                ) from e
            # Re-asks can make a small model worse: keep the best-scoring attempt (latest on ties).
            best = max(reversed(candidates), key=choose) if choose else candidates[-1]
            return best, errors
        except IncompleteOutputException as e:
            raise ModelOutputError(
                f"{label}: {self.model} output hit max_tokens={max_tokens}"
            ) from e

    def _params(self, max_tokens: int) -> dict[str, Any]:
        """Sampling parameters asked of every provider (some refuse some: `dropped_params`)."""
        return {
            "temperature": self.settings.temperature,
            "seed": self.settings.seed,
            "max_tokens": max_tokens,
            "timeout": self.settings.timeout_s,
        }

    def _sender(self, response_model: type[BaseModel], usage: dict[str, Any]) -> Callable[..., Any]:
        """One request with transport retries, usage accounting and provider tweaks.

        OpenAI-protocol providers (openai, openai-compatible, the embedded server) go
        straight through the OpenAI SDK: litellm's import alone costs seconds of every cold
        run. The others go through litellm, which translates their wire formats.
        """
        complete = self._openai_sdk() if self.provider.openai_protocol else self._litellm()
        logging.getLogger("instructor").setLevel(
            logging.DEBUG if self.settings.verbose else logging.CRITICAL
        )
        schema = response_model.model_json_schema()
        settings = self.settings
        provider = self.provider
        throttle = self.throttle

        def send(**kwargs: Any) -> Any:
            kwargs = provider.adapt_request(kwargs, schema)
            response = _with_backoff(
                # Retries are ours alone: litellm's and the OpenAI SDK's would multiply them.
                lambda: _has_choices(complete(**kwargs)),
                settings,
                throttle,
                self._server_check,
            )
            usage["attempts"] += 1
            u = getattr(response, "usage", None)
            if u is not None:
                usage["prompt_tokens"] += int(getattr(u, "prompt_tokens", 0) or 0)
                usage["completion_tokens"] += int(getattr(u, "completion_tokens", 0) or 0)
            if not provider.openai_protocol:  # litellm knows prices; an SDK answer has none
                import litellm

                with contextlib.suppress(Exception):
                    cost = litellm.completion_cost(completion_response=response)
                    if cost:
                        usage["cost_usd"] = (usage["cost_usd"] or 0.0) + float(cost)
            return response

        return send

    def _litellm(self) -> Callable[..., Any]:
        import litellm

        litellm.suppress_debug_info = True
        logging.getLogger("LiteLLM").setLevel(logging.WARNING)
        # Retries are ours alone: litellm's and the OpenAI SDK's would multiply them.
        return lambda **kw: litellm.completion(num_retries=0, max_retries=0, **kw)

    def _openai_sdk(self) -> Callable[..., Any]:
        import openai

        client = openai.OpenAI(
            base_url=self._api_base or self.provider.default_base,
            api_key=self._api_key or "no-key",
            max_retries=0,
            timeout=self.settings.timeout_s,
        )

        def complete(**kw: Any) -> Any:
            kw.pop("api_base", None)
            kw.pop("api_key", None)
            kw["model"] = kw["model"].split("/", 1)[1]  # "openai/NAME": the name the server knows
            return client.chat.completions.create(**kw)

        return complete


class _EmptyChoices(Exception):
    """HTTP 200 with an empty `choices` list: a provider glitch, retried like a 5xx."""


@functools.cache
def _schema(response_model: type[BaseModel]) -> dict[str, Any]:
    """The JSON schema of a response model, built once per class (pydantic rebuilds it on
    every call, and a cached run asks for it once per call: hundreds of times)."""
    return response_model.model_json_schema()


def _has_choices(response: Any) -> Any:
    if not getattr(response, "choices", None):
        raise _EmptyChoices("provider returned an empty choice list")
    return response


def _with_backoff(
    fn: Callable[[], Any],
    settings: Settings,
    throttle: Throttle | None = None,
    server_check: Callable[..., None] | None = None,
) -> Any:
    """Retry transient transport failures (429, 5xx, timeouts, dropped connections, no choices).

    Each attempt takes a slot of `throttle`; a 429 pauses every sender sharing it.
    `server_check` (the embedded server's) raises once that server is dead: before each
    attempt, and after a failed one, so a crash is reported at once instead of retried.
    """
    from verifier.models.netguard import RedirectRefused

    throttle = throttle or Throttle(1)
    attempt = 0
    while True:
        if server_check is not None:
            server_check()
        try:
            with throttle.slot():
                return fn()
        except Exception as e:
            refused = _in_chain(e, RedirectRefused)
            if refused is not None:
                raise ModelCallError(str(refused)) from e
            miss = _cassette_miss(e)
            if miss is not None:
                if isinstance(miss, OfflineMiss):  # netguard refused a socket: never retry that
                    raise OfflineMiss(str(miss)) from e
                raise OfflineMiss(f"request not in the cassette: {_one_line(miss)[:200]}") from e
            if _transient(e):
                if server_check is not None:
                    server_check(grace=1.0)  # a crash shows as a dropped connection first
                attempt += 1
                if attempt > settings.transport_retries:
                    status = getattr(e, "status_code", None)
                    how = f" (last: HTTP {status})" if isinstance(status, int) else ""
                    raise ModelCallError(
                        f"gave up after {attempt} attempts{how}: {_one_line(e)}"
                    ) from e
                delay = _retry_after(e)
                if delay is None:
                    delay = settings.backoff_base_s * 2 ** (attempt - 1)
                delay = min(delay, settings.backoff_max_s)
                log.info(
                    "transient error (%s); retry %d in %.1f s", type(e).__name__, attempt, delay
                )
                if _rate_limited(e):
                    throttle.pause(delay)  # the server is over its limit for everyone
                else:
                    time.sleep(delay)
                continue
            if type(e).__module__.startswith(("litellm", "openai", "httpx")):
                raise ModelCallError(_one_line(e)) from e
            raise


#: Exception names, the same in litellm and the OpenAI SDK, of failures worth retrying.
_TRANSIENT_NAMES = frozenset(
    {"RateLimitError", "InternalServerError", "ServiceUnavailableError", "BadGatewayError",
     "APIConnectionError", "APITimeoutError", "Timeout"}
)  # fmt: skip


def _transient(e: BaseException) -> bool:
    """429, 5xx, timeouts, dropped connections, no choices: from litellm or the OpenAI SDK."""
    if isinstance(e, _EmptyChoices) or type(e).__name__ in _TRANSIENT_NAMES:
        return True
    status = getattr(e, "status_code", None)
    from_client = type(e).__module__.startswith(("litellm", "openai"))
    return from_client and isinstance(status, int) and (status == 429 or status >= 500)


def _rate_limited(e: BaseException) -> bool:
    return type(e).__name__ == "RateLimitError" or getattr(e, "status_code", None) == 429


def _in_chain(e: BaseException, kind: type[BaseException]) -> BaseException | None:
    seen: BaseException | None = e
    for _ in range(8):
        if seen is None or isinstance(seen, kind):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def _cassette_miss(e: BaseException) -> BaseException | None:
    seen: BaseException | None = e
    for _ in range(8):
        if seen is None:
            return None
        if (
            isinstance(seen, OfflineMiss)
            or type(seen).__name__ == "CannotOverwriteExistingCassetteException"
        ):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def _retry_after(e: BaseException) -> float | None:
    """Seconds the server asked us to wait (Retry-After / retry-after-ms), if it said.

    litellm keeps the real headers in `litellm_response_headers`; its `response` is often a
    stand-in without them, so every place along the exception chain is looked at.
    """
    seen: BaseException | None = e
    for _ in range(4):
        if seen is None:
            break
        for headers in (
            getattr(seen, "litellm_response_headers", None),
            getattr(getattr(seen, "response", None), "headers", None),
            getattr(seen, "headers", None),
        ):
            if not hasattr(headers, "get"):
                continue
            delay = _parse_retry_after(headers.get("retry-after-ms"), headers.get("retry-after"))
            if delay is not None:
                return delay
        seen = seen.__cause__ or seen.__context__
    return None


def _parse_retry_after(ms: Any, value: Any) -> float | None:
    with contextlib.suppress(TypeError, ValueError):
        if ms is not None:
            return max(0.0, float(ms) / 1000)
    if value is None:
        return None
    with contextlib.suppress(TypeError, ValueError):
        return max(0.0, float(value))
    with contextlib.suppress(TypeError, ValueError, IndexError, OverflowError):
        from datetime import UTC, datetime
        from email.utils import parsedate_to_datetime

        when = parsedate_to_datetime(str(value))
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return max(0.0, (when - datetime.now(UTC)).total_seconds())
    return None


def _lenient(model: type[T], text: str | None) -> T:
    """Parse a final answer, tolerating raw control characters that small models put in strings."""
    try:
        return model.model_validate_json(text or "")
    except ValidationError:
        return model.model_validate(json.loads(text or "", strict=False))


def _completion_text(completion: Any) -> str | None:
    """The answer's JSON: a tool call's arguments (TOOLS mode) or the message content."""
    try:
        message = completion.choices[0].message
    except (AttributeError, IndexError, TypeError):
        return None
    for call in getattr(message, "tool_calls", None) or []:
        arguments = getattr(getattr(call, "function", None), "arguments", None)
        if arguments:
            return arguments if isinstance(arguments, str) else json.dumps(arguments)
    return getattr(message, "content", None)


def _context_digest(context: dict[str, Any] | None) -> str | None:
    if not context:
        return None
    blob = json.dumps(context, sort_keys=True, default=_stable, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _stable(obj: object) -> object:
    """JSON for context values that is the same in every process (sets iterate by hash seed)."""
    if isinstance(obj, (set, frozenset)):
        return sorted(obj, key=str)
    identity = getattr(obj, "cache_identity", None)
    if callable(identity):
        return identity()
    if isinstance(obj, BaseModel):
        return obj.model_dump(mode="json")
    return str(obj)


def _one_line(e: BaseException | object) -> str:
    text = redact(" ".join(str(e).split()))
    return text[:300] + ("…" if len(text) > 300 else "")


_SECRET_VAR = re.compile(r"KEY|TOKEN|SECRET|PASSWORD|CREDENTIAL", re.I)
_BEARER = re.compile(r"\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}", re.I)
_KEY_LIKE = re.compile(r"\b(sk|sk-ant|sk-proj|pk|rk|gsk|xai|hf)[-_][A-Za-z0-9_-]{12,}")
_URL_USERINFO = re.compile(r"(\b[a-z][a-z0-9+.-]*://)[^/\s:@]+(?::[^/\s@]*)?@", re.I)
_URL_KEY_PARAM = re.compile(r"([?&](?:key|api_key|apikey|token|access_token)=)[^&\s\"']+", re.I)


def redact(text: str) -> str:
    """Mask API keys in text bound for a message, a log or a file.

    Providers and proxies sometimes echo the key or the Authorization header in an error;
    the values of secret-looking environment variables, bearer tokens, sk-… keys, and
    user:password@ or ?key= in URLs go.
    """
    for name, value in os.environ.items():
        if len(value) >= 8 and _SECRET_VAR.search(name) and value in text:
            text = text.replace(value, "***")
    text = _BEARER.sub(lambda m: f"{m.group(1)} ***", text)
    text = _URL_USERINFO.sub(r"\1***@", text)
    text = _URL_KEY_PARAM.sub(r"\1***", text)
    return _KEY_LIKE.sub(lambda m: f"{m.group(1)}-***", text)


def _scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    """vcrpy hook: keys echoed in a recorded response body or header never reach the file."""
    body = response.get("body") or {}
    raw = body.get("string")
    if isinstance(raw, bytes):
        with contextlib.suppress(UnicodeDecodeError):
            body["string"] = redact(raw.decode("utf-8")).encode("utf-8")
    elif isinstance(raw, str):
        body["string"] = redact(raw)
    headers = response.get("headers") or {}
    for name, values in list(headers.items()):
        if isinstance(values, list):
            headers[name] = [redact(v) if isinstance(v, str) else v for v in values]
        if name.lower() == "content-length" and body.get("string") is not raw:
            new = body["string"]
            headers[name] = [str(len(new if isinstance(new, bytes) else new.encode()))]
    return response


@contextlib.contextmanager
def use_cassette(path: Path, record: bool):  # type: ignore[no-untyped-def]
    """Replay (or, with record=True, re-record) model HTTP traffic; keys never reach the file."""
    import vcr
    from vcr.errors import CannotOverwriteExistingCassetteException

    from verifier.models.cassettes import CheckedPersister

    if not record and not Path(path).exists():
        raise OfflineMiss(f"{path}: cassette not found (record it with --record)")
    logging.getLogger("vcr").setLevel(logging.WARNING)  # its INFO logs dump raw responses
    recorder = vcr.VCR(
        record_mode="all" if record else "none",
        match_on=("method", "path", "body"),
        filter_headers=[(h, None) for h in SECRET_HEADERS],
        filter_query_parameters=["key", "api_key"],
        decode_compressed_response=True,
        before_record_response=_scrub_response,
    )
    recorder.register_persister(CheckedPersister)  # checksummed, bounded, atomic
    try:
        with recorder.use_cassette(str(path), allow_playback_repeats=True):
            yield
    except CannotOverwriteExistingCassetteException as e:
        raise OfflineMiss(f"{path}: a request is not in the cassette: {_one_line(e)[:200]}") from e
