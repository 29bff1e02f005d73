"""A TCP proxy in front of the real Redis that tests can stall, take down and bring back, to drill Redis outages.

- ``passing``: bytes flow both ways, as if the app talked to Redis itself;
- ``stalled``: connections are accepted and commands read, but nothing is forwarded or answered (a hung Redis);
- ``down``: every connection is closed and new ones are refused (Redis stopped);
- ``restart()``: down, then passing again; Redis's own data is untouched, as after a restart that kept its data.

``commands_seen`` counts the chunks of commands that reached the proxy while it stalled: how often the app tried.
"""

import contextlib
import select
import socket
import threading
import time


class RedisProxy:
    def __init__(self, target=("127.0.0.1", 6379)):
        self.target = target
        self.mode = "passing"
        self.commands_seen = 0
        self._listener = None
        self._connections = []
        self._lock = threading.Lock()
        self.port = None
        self._running = False

    # Lifecycle ---------------------------------------------------------------------------------------------------

    def start(self):
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", self.port or 0))
        self._listener.listen(64)
        self._listener.settimeout(0.1)
        self.port = self._listener.getsockname()[1]
        self._running = True
        self._acceptor = threading.Thread(target=self._accept, args=(self._listener,), daemon=True)
        self._acceptor.start()
        return self

    def stop(self):
        self._running = False
        if self._listener is not None:
            self._acceptor.join(timeout=5)  # it sees the flag within its accept timeout
            with contextlib.suppress(OSError):
                self._listener.close()
            self._listener = None
        self._drop_connections()

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/5"

    # Modes ---------------------------------------------------------------------------------------------------------

    def stall(self):
        self.commands_seen = 0
        self.mode = "stalled"

    def go_down(self):
        self.mode = "down"
        self.stop()

    def come_back(self):
        self.mode = "passing"
        if self._listener is None:
            self.start()

    def restart(self):
        self.go_down()
        time.sleep(0.05)
        self.come_back()

    # Plumbing ------------------------------------------------------------------------------------------------------

    def _drop_connections(self):
        with self._lock:
            connections, self._connections = self._connections, []
        for sock in connections:
            with contextlib.suppress(OSError):
                sock.close()

    def _accept(self, listener):
        while self._running:
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            try:
                upstream = socket.create_connection(self.target, timeout=2)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._connections += [client, upstream]
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()

    def _pump(self, client, upstream):
        sockets = [client, upstream]
        try:
            while True:
                readable, _, _ = select.select(sockets, [], [], 0.2)
                for sock in readable:
                    data = sock.recv(65536)
                    if not data:
                        return
                    if self.mode == "stalled":
                        if sock is client:
                            self.commands_seen += 1
                        continue  # swallowed: the app waits for an answer that never comes
                    (upstream if sock is client else client).sendall(data)
        except OSError:
            return
        finally:
            for sock in sockets:
                with contextlib.suppress(OSError):
                    sock.close()
