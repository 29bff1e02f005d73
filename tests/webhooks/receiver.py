"""A real HTTP server on 127.0.0.1, on a thread of the test process, that stands for a council's own system."""

import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.worker import free_port


@dataclass
class Received:
    headers: dict
    body: bytes
    status: int  # what the receiver answered


class Receiver:
    """Answers each POST with the next status of ``answers`` (then 200), and records every request it got.

    ``accepted_event_ids()`` is what a careful receiver keeps: the ids it answered 2xx, each once.
    """

    def __init__(self, port=None, answers=()):
        self.port = port or free_port()
        self.answers = list(answers)
        self.received = []
        self._lock = threading.Lock()
        self._server = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/exchange-events"

    def __enter__(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's hook name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver._lock:
                    status = receiver.answers.pop(0) if receiver.answers else 200
                    receiver.received.append(Received(dict(self.headers), body, status))
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc_info):
        self._server.shutdown()
        self._server.server_close()

    def accepted_event_ids(self):
        with self._lock:
            return {r.headers["X-Exchange-Event-Id"] for r in self.received if 200 <= r.status < 300}
