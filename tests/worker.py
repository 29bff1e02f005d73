"""Real parts for tests about workers: a Celery worker process on the test database, and an SMTP server."""

import asyncio
import os
import re
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from aiosmtpd.controller import Controller
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def test_database_url():
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@contextmanager
def celery_worker(*, broker_url, var_dir, beat=False, extra_env=None):
    """Yield (process, queue name) of a worker that consumes its own queue; stop it afterwards."""
    queue = f"test-{uuid.uuid4().hex[:12]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "exchange.settings",
        "SECRET_KEY": "worker-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "DATABASE_URL": test_database_url(),
        "CELERY_BROKER_URL": broker_url,
        "CELERY_QUEUE": queue,
        "EXCHANGE_VAR_DIR": str(var_dir),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        **(extra_env or {}),
    }
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "exchange",
        "worker",
        "--pool=solo",
        "-Q",
        queue,
        "--without-gossip",
        "--without-mingle",
        "--loglevel=INFO",
    ]
    if beat:
        command += ["-B", "-s", str(Path(var_dir) / "beat-schedule")]
    log = open(Path(var_dir) / "worker.log", "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        yield process, queue
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def wait_until(predicate, *, timeout=30.0, interval=0.2, meanwhile=None):
    """Poll ``predicate`` until it holds; ``meanwhile`` is called between polls (e.g. to publish what beat would)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        if meanwhile is not None:
            meanwhile()
        time.sleep(interval)
    return False


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


_MESSAGE_ID = re.compile(rb"^Message-ID:\s*(<[^>\r\n]+>)", re.MULTILINE | re.IGNORECASE)
_ROW_ID = re.compile(r"<notification-(\d+)@")


class SmtpSink:
    """A real SMTP server (aiosmtpd, on a thread of this process) that notes the Message-ID of every message it
    accepts, and which session brought it.

    It can be made slow (``delay``: seconds before it answers a message's data), refuse recipients (``refuse``),
    drop the session instead of answering a message (``drop_data``), and be stopped (connections are then refused,
    and the open sessions are cut, as when a server process goes away) and started again on the same port.
    """

    def __init__(self):
        self.port = free_port()
        self.delay = 0.0
        self.refuse = set()
        self.drop_data = False
        self.accepted = []  # (Message-ID, session's peer, time.monotonic())
        self._sessions = set()
        self._controller = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc_info):
        self.stop()

    def env(self, **settings):
        """Settings for a worker process (or this one) that sends through the sink."""
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.port),
            "EMAIL_TIMEOUT": "5",
            **{name: str(value) for name, value in settings.items()},
        }

    def start(self):
        sessions = self._sessions

        class _Controller(Controller):
            def factory(self):
                server = super().factory()
                sessions.add(server)
                return server

        self._controller = _Controller(
            _SinkHandler(self), hostname="127.0.0.1", port=self.port, server_hostname="localhost"
        )
        self._controller.start()

    def stop(self):
        controller, self._controller = self._controller, None
        if controller is None:
            return

        def cut_sessions():
            for server in list(self._sessions):
                if server.transport is not None:
                    server.transport.abort()
            self._sessions.clear()

        controller.loop.call_soon_threadsafe(cut_sessions)  # runs before the stop the controller schedules next
        controller.stop()

    def restart(self):
        self.stop()
        self.start()

    def row_ids(self):
        """The outbox row of every accepted message, in order, duplicates included."""
        return [int(_ROW_ID.search(message_id).group(1)) for message_id, _, _ in list(self.accepted)]

    def sessions(self):
        """How many SMTP sessions brought the accepted messages."""
        return len({peer for _, peer, _ in list(self.accepted)})


class _SinkHandler:
    def __init__(self, sink):
        self.sink = sink

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 - aiosmtpd's hook
        if address in self.sink.refuse:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        if self.sink.delay:
            await asyncio.sleep(self.sink.delay)  # cancelled if the client goes away meanwhile: not accepted
        if self.sink.drop_data:
            server.transport.abort()
            await asyncio.sleep(60)  # cancelled when aiosmtpd sees the connection lost
        found = _MESSAGE_ID.search(envelope.content.split(b"\r\n\r\n", 1)[0])
        self.sink.accepted.append((found.group(1).decode() if found else "", session.peer, time.monotonic()))
        return "250 OK"


@contextmanager
def silent_smtp_port():
    """A port that accepts connections and never says a word: a hung mail server (the client's timeout ends it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        yield sock.getsockname()[1]


@contextmanager
def closed_port():
    """A port nothing listens on: connections are refused, as when the mail server is down. The socket stays bound
    (without listening) for the block, so that no other process can take the port meanwhile."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]
