"""Loopback HTTP servers that speak each hosted provider's wire protocol, for offline tests.

`WireServer(protocol)` runs `http.server.ThreadingHTTPServer` on 127.0.0.1 (ephemeral
port), records every request (method, path, query, headers, JSON body) and answers in the
provider's documented response format:

  openai     POST /v1/chat/completions  chat.completion; `tool_calls` when the request has
             tools (finish_reason "tool_calls"), else JSON in `message.content`
  anthropic  POST /v1/messages          a Messages API `message` with a `tool_use` block
             (stop_reason "tool_use"), or a `text` block without tools
  gemini     POST /v1beta/models/M:generateContent  `candidates[0].content.parts` with a
             `functionCall` (or JSON `text`), `usageMetadata`
  ollama     POST /api/chat             a non-streamed chat answer (`done: true`) with
             JSON in `message.content` and Ollama's duration/eval counters

What the model "says" is `server.answer(body, n)`: the structured object for the n-th
request of the same call (the same first user message), so a test can fail validation on
the first try and pass on the re-ask. `server.redirect_to` answers every request with a
307 to another URL. `server.delay_s` adds a fixed latency (benchmarks).
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

PROTOCOLS = ("openai", "anthropic", "gemini", "ollama")


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: dict[str, Any]


def first_user_text(body: dict[str, Any]) -> str:
    """The first user message's text in any of the four request formats."""
    for m in body.get("messages", []):
        if m.get("role") == "user":
            c = m.get("content")
            if isinstance(c, str):
                return c
            if isinstance(c, list):
                return "".join(p.get("text", "") for p in c if isinstance(p, dict))
    for content in body.get("contents", []):  # gemini
        if content.get("role") == "user":
            return "".join(p.get("text", "") for p in content.get("parts", []))
    return ""


def all_text(body: dict[str, Any]) -> str:
    """Every string in the request body (to look for re-ask messages)."""
    return json.dumps(body, ensure_ascii=False)


class WireServer:
    def __init__(self, protocol: str, model: str = "wire-model") -> None:
        if protocol not in PROTOCOLS:
            raise ValueError(f"unknown protocol {protocol!r}")
        self.protocol = protocol
        self.model = model
        self.answer: Callable[[dict[str, Any], int], dict[str, Any]] = lambda body, n: {}
        self.seen: list[Seen] = []
        self.redirect_to: str | None = None
        self.delay_s = 0.0
        self.fail: Callable[[dict[str, Any], int], int | None] = lambda body, n: None
        self._calls: dict[str, int] = {}
        self._lock = threading.Lock()
        self.in_flight = 0
        self.max_in_flight = 0
        self.spans: list[tuple[float, float]] = []  # (arrived, answered) per good answer
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._httpd.daemon_threads = True
        self._httpd.request_queue_size = 64
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True)

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> WireServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    @property
    def chat_requests(self) -> list[Seen]:
        return [s for s in self.seen if s.method == "POST"]

    def _turn(self, body: dict[str, Any]) -> int:
        """1 for the first request of a call, 2 for its first re-ask, ..."""
        call = hashlib.sha256(first_user_text(body).encode()).hexdigest()
        with self._lock:
            self._calls[call] = self._calls.get(call, 0) + 1
            return self._calls[call]

    # --------------------------------------------------------------- formats
    def reply(self, body: dict[str, Any], n: int) -> dict[str, Any]:
        obj = self.answer(body, n)
        text = json.dumps(obj)
        rid = hashlib.sha256(f"{n}:{text}".encode()).hexdigest()[:24]
        prompt_tokens = max(1, len(all_text(body)) // 4)
        out_tokens = max(1, len(text) // 4)
        if self.protocol == "openai":
            tools = body.get("tools") or []
            message: dict[str, Any] = {"role": "assistant", "content": text, "refusal": None}
            finish = "stop"
            if tools:
                name = tools[0]["function"]["name"]
                message = {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [
                        {
                            "id": f"call_{rid[:16]}",
                            "type": "function",
                            "function": {"name": name, "arguments": text},
                        }
                    ],
                    "refusal": None,
                }
                finish = "tool_calls"
            return {
                "id": f"chatcmpl-{rid}",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": body.get("model", self.model),
                "choices": [
                    {"index": 0, "message": message, "logprobs": None, "finish_reason": finish}
                ],
                "usage": {
                    "prompt_tokens": prompt_tokens,
                    "completion_tokens": out_tokens,
                    "total_tokens": prompt_tokens + out_tokens,
                },
                "system_fingerprint": "fp_wire",
            }
        if self.protocol == "anthropic":
            tools = body.get("tools") or []
            if tools:
                block: dict[str, Any] = {
                    "type": "tool_use",
                    "id": f"toolu_{rid}",
                    "name": tools[0]["name"],
                    "input": obj,
                }
                stop = "tool_use"
            else:
                block, stop = {"type": "text", "text": text}, "end_turn"
            return {
                "id": f"msg_{rid}",
                "type": "message",
                "role": "assistant",
                "model": body.get("model", self.model),
                "content": [block],
                "stop_reason": stop,
                "stop_sequence": None,
                "usage": {"input_tokens": prompt_tokens, "output_tokens": out_tokens},
            }
        if self.protocol == "gemini":
            # The REST API takes proto field names in either case; litellm sends snake_case.
            declarations = [
                d
                for t in body.get("tools") or []
                for d in t.get("functionDeclarations") or t.get("function_declarations") or []
            ]
            part: dict[str, Any] = (
                {"functionCall": {"name": declarations[0]["name"], "args": obj}}
                if declarations
                else {"text": text}
            )
            return {
                "candidates": [
                    {
                        "content": {"parts": [part], "role": "model"},
                        "finishReason": "STOP",
                        "index": 0,
                    }
                ],
                "usageMetadata": {
                    "promptTokenCount": prompt_tokens,
                    "candidatesTokenCount": out_tokens,
                    "totalTokenCount": prompt_tokens + out_tokens,
                },
                "modelVersion": self.model,
                "responseId": rid,
            }
        # ollama /api/chat, stream false
        return {
            "model": body.get("model", self.model),
            "created_at": "2026-11-22T08:00:00.000000Z",
            "message": {"role": "assistant", "content": text},
            "done_reason": "stop",
            "done": True,
            "total_duration": 412_000_000,
            "load_duration": 11_000_000,
            "prompt_eval_count": prompt_tokens,
            "prompt_eval_duration": 90_000_000,
            "eval_count": out_tokens,
            "eval_duration": 300_000_000,
        }

    def error_body(self, status: int) -> dict[str, Any]:
        message = {429: "rate limited", 500: "internal error", 503: "overloaded"}.get(
            status, "error"
        )
        if self.protocol == "anthropic":
            kind = {429: "rate_limit_error", 503: "overloaded_error"}.get(status, "api_error")
            return {"type": "error", "error": {"type": kind, "message": message}}
        if self.protocol == "gemini":
            return {"error": {"code": status, "message": message, "status": "UNAVAILABLE"}}
        if self.protocol == "ollama":
            return {"error": message}
        return {"error": {"message": message, "type": "server_error", "code": str(status)}}


def _handler(server: WireServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _send(self, status: int, payload: dict[str, Any], headers: dict[str, str]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in headers.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            split = urlsplit(self.path)
            with server._lock:
                server.seen.append(
                    Seen("GET", split.path, parse_qs(split.query), dict(self.headers), {})
                )
            self._send(404, {"error": "not found"}, {})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b"{}"
            split = urlsplit(self.path)
            body = json.loads(raw or b"{}")
            headers = {k.lower(): v for k, v in self.headers.items()}
            with server._lock:
                server.seen.append(Seen("POST", split.path, parse_qs(split.query), headers, body))
            if server.redirect_to:
                self._send(307, {}, {"Location": server.redirect_to + split.path})
                return
            expected = {
                "openai": split.path.endswith("/chat/completions"),
                "anthropic": split.path.endswith("/v1/messages"),
                "gemini": ":generateContent" in split.path,
                "ollama": split.path == "/api/chat",
            }[server.protocol]
            if not expected:
                self._send(404, {"error": f"no route {split.path}"}, {})
                return
            n = server._turn(body)
            status = server.fail(body, n)
            if status:
                self._send(status, server.error_body(status), {"Retry-After": "0"})
                return
            arrived = time.monotonic()
            with server._lock:
                server.in_flight += 1
                server.max_in_flight = max(server.max_in_flight, server.in_flight)
            try:
                if server.delay_s:
                    time.sleep(server.delay_s)
                self._send(200, server.reply(body, n), {})
            finally:
                with server._lock:
                    server.in_flight -= 1
                    server.spans.append((arrived, time.monotonic()))

    return Handler
