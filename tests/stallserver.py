"""A misbehaving stand-in for the llama.cpp server, run as a real process on loopback.

    python tests/stallserver.py --port 8123 --alias smollm2-135m-instruct [--mode stall|500|exit]

It answers `GET /v1/models` like llama-cpp-python's server (so verifier sees the model as up)
and prints a line per request to stdout (the server log). Chat completions never get a model
answer: `stall` holds the request open until the process is killed (a model busy when it
crashes), `500` answers HTTP 500, `exit` exits with code 3 at the first chat request. Used
through VERIFIER_LOCAL_SERVER to test crash reporting and server sharing without llama.cpp.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--alias", required=True)
    ap.add_argument("--mode", choices=("stall", "500", "exit"), default="stall")
    ap.add_argument("--start-delay", type=float, default=0.0)
    args = ap.parse_args()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, fmt: str, *a: object) -> None:
            print(f"stallserver: {fmt % a}", flush=True)

        def do_GET(self) -> None:
            body = json.dumps({"object": "list", "data": [{"id": args.alias}]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            print(f"stallserver: chat request ({args.mode})", flush=True)
            if args.mode == "exit":
                os._exit(3)
            if args.mode == "500":
                self.send_error(500, "stallserver always fails")
                return
            threading.Event().wait()  # until the process is killed

    print(f"stallserver: pid {os.getpid()} starting on port {args.port}", flush=True)
    time.sleep(args.start_delay)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    print("stallserver: ready", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
