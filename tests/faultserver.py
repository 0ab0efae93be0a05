"""A fault-injecting OpenAI-compatible HTTP server for reliability tests.

Runs `http.server.ThreadingHTTPServer` in a thread on 127.0.0.1 (ephemeral port) and serves
`POST /v1/chat/completions` and `GET /v1/models`. What each chat request gets is scripted:

* a queue of faults, consumed one per request (`server.script("429", "ok")`);
* rules keyed on the request (`server.rules.append(lambda body: "500" if ... else None)`);
* a rate of transient faults chosen by a seeded RNG keyed on the request: its messages and
  how many times those messages were sent (`server.set_rate(0.3, seed=7)`), never more than
  `max_consecutive` in a row for one call, so concurrency does not change who gets what;
* otherwise a good answer.

A good answer is a valid `chat.completion` whose message content is the JSON object returned
by `server.respond(body)` (default: `server.content`). Fault names:

  ok             good answer
  429            Too Many Requests with `Retry-After: server.retry_after`
  500, 503       server errors with an OpenAI-style error body
  slow           a good answer sent after `server.slow_s` seconds (longer than the client timeout)
  drop           headers and half the body, then the socket is closed
  truncated      HTTP 200, but the message content is cut-off JSON
  invalid        HTTP 200, valid JSON content that does not fit the schema
  empty_choices  HTTP 200 with `"choices": []`
  length         HTTP 200, cut-off content with `finish_reason: "length"` (hit max_tokens)
  401_echo       401 whose error message echoes the Authorization header (a leaky proxy)

Every request received is counted (`server.requests`) and logged (`server.log`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import random
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

FAULTS = (
    "ok",
    "429",
    "500",
    "503",
    "slow",
    "drop",
    "truncated",
    "invalid",
    "empty_choices",
    "length",
    "401_echo",
)
TRANSIENT = ("429", "500", "503", "drop", "empty_choices", "slow")  # retried by the gateway
RATE_FAULTS = ("429", "500", "503", "drop")


def user_text(body: dict[str, Any]) -> str:
    """The concatenated user/system message text of a chat request (instructor may add re-asks)."""
    parts = []
    for m in body.get("messages", []):
        c = m.get("content")
        if isinstance(c, str):
            parts.append(c)
        elif isinstance(c, list):
            parts.extend(p.get("text", "") for p in c if isinstance(p, dict))
    return "\n".join(parts)


class FaultServer:
    def __init__(self, content: dict[str, Any] | None = None) -> None:
        self.content: dict[str, Any] = content if content is not None else {"answer": "ok"}
        self.respond: Callable[[dict[str, Any]], dict[str, Any]] = lambda body: self.content
        self.queue: deque[str] = deque()
        self.rules: list[Callable[[dict[str, Any]], str | None]] = []
        self.rate = 0.0
        self.seed = 0
        self.rate_faults: tuple[str, ...] = RATE_FAULTS
        self.max_consecutive = 2
        self.retry_after: str = "0"
        self.slow_s = 3.0
        self.delay_s = 0.0  # added to every good answer (a slow but working server)
        self.invalid_content: dict[str, Any] = {"unexpected": True}
        self.requests = 0  # chat completion requests received
        self.log: list[tuple[int, str, dict[str, Any]]] = []
        self.times: list[float] = []  # time.monotonic() at each chat request
        self.headers_seen: list[dict[str, str]] = []
        self._lock = threading.Lock()
        self._streak: dict[str, int] = {}  # per call (its messages): faults in a row
        self._sent: dict[str, int] = {}  # per call: requests so far
        self._stop = threading.Event()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True)

    # ------------------------------------------------------------- lifecycle
    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> FaultServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> FaultServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------- scripting
    def script(self, *faults: str) -> FaultServer:
        for f in faults:
            if f not in FAULTS:
                raise ValueError(f"unknown fault {f!r}")
            self.queue.append(f)
        return self

    def set_rate(
        self,
        rate: float,
        seed: int = 0,
        faults: tuple[str, ...] = RATE_FAULTS,
        max_consecutive: int = 2,
    ) -> FaultServer:
        """Serve a fault from `faults` on about `rate` of requests (seeded by request number)."""
        self.rate, self.seed, self.rate_faults = rate, seed, faults
        self.max_consecutive = max_consecutive
        return self

    def reset(self) -> None:
        with self._lock:
            self.queue.clear()
            self.rules.clear()
            self.rate = 0.0
            self.requests = 0
            self.log.clear()
            self.times.clear()
            self._streak.clear()
            self._sent.clear()

    def faults_served(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for _, f, _ in self.log:
            counts[f] = counts.get(f, 0) + 1
        return counts

    def _choose(self, body: dict[str, Any]) -> tuple[int, str]:
        with self._lock:
            self.requests += 1
            n = self.requests
            fault = None
            for rule in self.rules:
                fault = rule(body)
                if fault:
                    break
            if fault is None and self.queue:
                fault = self.queue.popleft()
            call = hashlib.sha256(
                json.dumps(body.get("messages"), sort_keys=True).encode()
            ).hexdigest()
            self._sent[call] = self._sent.get(call, 0) + 1
            if fault is None and self.rate > 0:
                rng = random.Random(f"{self.seed}:{call}:{self._sent[call]}")
                if rng.random() < self.rate and self._streak.get(call, 0) < self.max_consecutive:
                    fault = rng.choice(self.rate_faults)
            fault = fault or "ok"
            self._streak[call] = self._streak.get(call, 0) + 1 if fault in TRANSIENT else 0
            self.log.append((n, fault, body))
            self.times.append(time.monotonic())
            return n, fault

    # ------------------------------------------------------------ responses
    def completion(
        self, content: str, n: int, finish_reason: str = "stop", choices: bool = True
    ) -> bytes:
        body = {
            "id": f"chatcmpl-fault-{n}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": "fault-model",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "finish_reason": finish_reason,
                }
            ]
            if choices
            else [],
            "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
        }
        return json.dumps(body).encode("utf-8")


def _handler(server: FaultServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def _send(self, status: int, payload: bytes, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(payload)
            self.wfile.flush()

        def _error(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
            err = {"error": {"message": message, "type": "server_error", "code": str(status)}}
            self._send(status, json.dumps(err).encode(), headers)

        def do_GET(self) -> None:
            if self.path.rstrip("/").endswith("/models"):
                model = {"id": "fault-model", "object": "model", "owned_by": "tests"}
                data = {"object": "list", "data": [model]}
                self._send(200, json.dumps(data).encode())
            else:
                self._error(404, "not found")

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            if not self.path.rstrip("/").endswith("/chat/completions"):
                self._error(404, "not found")
                return
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                self._error(400, "bad json")
                return
            with server._lock:
                server.headers_seen.append({k.lower(): v for k, v in self.headers.items()})
            n, fault = server._choose(body)
            try:
                self._serve(n, fault, body, self.headers.get("Authorization", ""))
            except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, OSError):
                self.close_connection = True  # the client gave up (timeout): nothing to do

        def _serve(self, n: int, fault: str, body: dict[str, Any], auth: str) -> None:
            good = json.dumps(server.respond(body))
            if fault == "ok":
                if server.delay_s:
                    server._stop.wait(server.delay_s)
                self._send(200, server.completion(good, n))
            elif fault == "429":
                self._error(429, "rate limited (fault server)", {"Retry-After": server.retry_after})
            elif fault == "500":
                self._error(500, "internal error (fault server)")
            elif fault == "503":
                self._error(503, "service unavailable (fault server)")
            elif fault == "slow":
                server._stop.wait(server.slow_s)
                self._send(200, server.completion(good, n))
            elif fault == "drop":
                payload = server.completion(good, n)
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload[: len(payload) // 2])
                self.wfile.flush()
                with contextlib.suppress(OSError):
                    self.connection.shutdown(socket.SHUT_RDWR)
                self.close_connection = True
            elif fault == "truncated":
                self._send(200, server.completion(good[: max(1, len(good) // 2)], n))
            elif fault == "invalid":
                self._send(200, server.completion(json.dumps(server.invalid_content), n))
            elif fault == "empty_choices":
                self._send(200, server.completion(good, n, choices=False))
            elif fault == "length":
                self._send(200, server.completion(good[: max(1, len(good) // 2)], n, "length"))
            elif fault == "401_echo":
                self._error(401, f"invalid credentials in header: Authorization: {auth}")
            else:  # pragma: no cover
                self._error(500, f"unknown fault {fault}")

    return Handler
