"""What other processes changed, as it happens: a Redis publish/subscribe channel each web process listens to.

Copies kept in a process's memory (who is asking, staff sessions: ``councils.read_through``) spare a round trip to
Redis on every request, but another process can outdate them: a commit that moves a council's data version, a
sign-out, a session that changed. Every such event is published on one channel; a daemon thread in each process
applies it to the process's copies within moments (the same process applies its own at once).

The copies are used only while the subscription is live. Before it is confirmed, after a lost connection, and
until it is confirmed again, every read goes to Redis as without them, and reconnecting drops every copy (events
published meanwhile were missed).
"""

import logging
import os
import threading

from django.conf import settings

logger = logging.getLogger(__name__)
RETRY_SECONDS = 1.0


def channel():
    """The site's channel: named after the cache's key prefix, so that sites sharing a Redis do not mix."""
    return f"exchange:{settings.CACHES['default'].get('KEY_PREFIX', '')}:changes"


class Feed:
    """One process's view of the channel: the councils' published data versions it has seen, and the listeners
    (copy holders) to tell of a sign-out or a changed session."""

    def __init__(self):
        self.versions = {}
        self.live = False
        self._lock = threading.Lock()
        self._thread = None
        self._target = None
        self._stop = None
        self._forget_callbacks = []

    # Reading

    def version(self, council_id):
        """The council's published data version as this process knows it, or None (not live, or never seen)."""
        return self.versions.get(council_id) if self.live else None

    def learn(self, council_id, version):
        """A version read from Redis just now: versions only rise, so an older one never replaces a newer."""
        with self._lock:
            if version > self.versions.get(council_id, -1):
                self.versions[council_id] = version

    def on_forget(self, callback):
        """``callback(kind, key)`` for each event about a copy (``"session"``), and ``callback(None, None)`` when
        every copy must go (the subscription was lost)."""
        self._forget_callbacks.append(callback)

    def drop_copies(self):
        """Drop every copy this process keeps (they are read again from Redis or the database)."""
        self._apply_forget(None, None)

    # Publishing

    def publish_version(self, council_id, version):
        self.learn(council_id, version)
        self._publish(f"v:{council_id}:{version}")

    def publish_forget(self, kind, key):
        self._apply_forget(kind, key)
        self._publish(f"f:{kind}:{key}")

    def _publish(self, message):
        from django.core.cache import cache

        cache.publish(channel(), message)

    # Listening

    def ensure_listening(self):
        """Listen in this process (a forked worker starts its own listener) on the site's channel."""
        target = (os.getpid(), settings.CACHE_URL, channel())
        if self._target == target and self._thread is not None and self._thread.is_alive():
            return
        with self._lock:
            if self._target == target and self._thread is not None and self._thread.is_alive():
                return
            if self._stop is not None:
                self._stop.set()
            self.live = False
            self.versions = {}
            self._target, self._stop = target, threading.Event()
            self._thread = threading.Thread(
                target=self._listen, args=(target[1], target[2], self._stop), name="exchange-feed", daemon=True
            )
            self._thread.start()
        self.drop_copies()

    def _listen(self, url, channel_name, stop):
        import redis

        while not stop.is_set():
            try:
                client = redis.Redis.from_url(
                    url, socket_connect_timeout=0.5, health_check_interval=10, client_name="exchange-feed"
                )
                pubsub = client.pubsub()
                pubsub.subscribe(channel_name)
                while not stop.is_set():
                    message = pubsub.get_message(timeout=1.0)
                    if message is None or stop.is_set():
                        continue
                    if message["type"] == "subscribe":
                        self._reset()
                        self.live = True  # from now on no event is missed
                    elif message["type"] == "message":
                        self._apply(message["data"].decode())
                pubsub.close()
            except Exception as error:  # noqa: BLE001 - whatever broke the subscription, copies stop being trusted
                logger.warning("Change feed lost (%s); copies are not used until it is back", error)
            if stop.is_set():
                return  # replaced by another listener, which owns the state now
            self.live = False
            self._reset()
            stop.wait(RETRY_SECONDS)

    def _reset(self):
        with self._lock:
            self.versions = {}
        self.drop_copies()

    def _apply(self, data):
        kind, _, rest = data.partition(":")
        if kind == "v":
            council_id, _, version = rest.partition(":")
            self.learn(int(council_id), int(version))
        elif kind == "f":
            copy_kind, _, key = rest.partition(":")
            self._apply_forget(copy_kind, key)

    def _apply_forget(self, kind, key):
        for callback in self._forget_callbacks:
            callback(kind, key)


feed = Feed()
