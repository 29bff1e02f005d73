"""Staff sessions: Django's cached_db sessions, with a copy in each process's memory while the change feed is live.

Reading the session is the one round trip a signed-in page served from the cache would still make. A session that
is saved or deleted (signing in, signing out, a message kept for the next page) is announced on the change feed
(``councils.feed``), and every process drops its copy; a copy is also read again after
``read_through.LOCAL_COPY_SECONDS``, which bounds how long a session can outlive its expiry or a missed event.
"""

import hashlib
import pickle
import time

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore

from councils import read_through
from councils.feed import feed

# digest of the session key -> (pickled session data, when kept)
_local = {}


def _digest(session_key):
    # Session keys are secrets: neither kept in memory as keys nor published as they are.
    return hashlib.sha256(session_key.encode()).hexdigest()[:32]


class SessionStore(CachedDBStore):
    def load(self):
        if not (read_through.enabled() and self.session_key):
            return super().load()
        feed.ensure_listening()
        digest = _digest(self.session_key)
        kept = _local.get(digest)
        if kept is not None and feed.live and time.monotonic() - kept[1] <= read_through.LOCAL_COPY_SECONDS:
            return pickle.loads(kept[0])
        data = super().load()
        if self.session_key and data:  # an unknown or expired key comes back empty, and without a key
            _local[digest] = (pickle.dumps(data), time.monotonic())
        return data

    def save(self, must_create=False):
        super().save(must_create=must_create)
        self._announce(self.session_key)

    def delete(self, session_key=None):
        session_key = session_key or self.session_key
        super().delete(session_key)
        self._announce(session_key)

    @staticmethod
    def _announce(session_key):
        if session_key and read_through.enabled():
            feed.publish_forget("session", _digest(session_key))


def _forget_local(kind, digest):
    if kind is None:
        _local.clear()
    elif kind == "session":
        _local.pop(digest, None)


feed.on_forget(_forget_local)
