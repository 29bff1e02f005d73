"""Who is asking, read through the shared cache while the council's data version stands.

Every request first reads who is asking: a staff member with their membership and council, or a link holder with
their program and council. When the page itself comes from the cache that read is most of the request's work. With
a shared cache (``CACHE_URL``):

1. The objects are kept in Redis stamped with the data version they were read at, and ``councils.changes``
   publishes each council's version there after every commit that moves it; one round trip gives a copy back only
   while its stamp is the published version.
2. Each process also keeps the copies it read in its own memory, used without any round trip while the change feed
   (``councils.feed``) is live and says the council's published version is still the copy's stamp, and for at most
   ``LOCAL_COPY_SECONDS`` (a bound should an event ever go missing).

Everything that can change what such a read decides (a revoked or re-issued link, a deactivated user, a removed
membership, a program's dates) moves the version, so it is read from the database again at once in the process
that made the change, and within moments in the others.

The published version expires after ``PUBLISHED_VERSION_SECONDS``: should Redis miss an update (unreachable at the
moment of a commit), copies are trusted no longer than that. Without a shared cache each process would keep copies
that no other process can outdate, so every read goes to the database.
"""

import hashlib
import pickle
import time

from django.conf import settings
from django.core.cache import cache

from councils.feed import feed
from exchange.joined_rows import get_with_related

PUBLISHED_VERSION_SECONDS = 60
COPY_SECONDS = 600
LOCAL_COPY_SECONDS = 30

# digest of the copy's key -> (council id, stamp, pickled objects, when kept): this process's copies.
_local = {}


def enabled():
    return bool(settings.CACHE_URL)


def version_key(council_id):
    return f"council-data-version:{council_id}"


def publish_versions(versions):
    """``{council id: data version}`` just committed; a version only ever rises, whatever order commits publish in."""
    if not enabled():
        return
    for council_id, version in versions.items():
        cache.raise_to(version_key(council_id), version, timeout=PUBLISHED_VERSION_SECONDS)
        feed.publish_version(council_id, version)


def _copy_key(model, pk, path):
    return f"read-through:{model._meta.label}:{'.'.join(path)}:{pk}"


def _local_key(key):
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def _keep_locally(key, council_id, stamp, obj):
    _local[_local_key(key)] = (council_id, stamp, pickle.dumps(obj), time.monotonic())


def _local_copy(key):
    kept = _local.get(_local_key(key))
    if kept is None:
        return None
    council_id, stamp, blob, kept_at = kept
    if feed.version(council_id) != stamp or time.monotonic() - kept_at > LOCAL_COPY_SECONDS:
        return None
    # A fresh object for every request: views may set attributes on what they are given.
    return pickle.loads(blob)


def get_with_related_cached(model, pk, *path, council_of):
    """``exchange.joined_rows.get_with_related(model, pk, *path)``, from this process's memory or the shared cache
    while the version of the council ``council_of(obj)`` names is the one the copy was read at. ``council_of``
    returns None for an object of no council (then it is always read from the database)."""
    if not enabled():
        return get_with_related(model, pk, *path)
    feed.ensure_listening()
    key = _copy_key(model, pk, path)
    obj = _local_copy(key)
    if obj is not None:
        return obj
    # The copy and the council's published version are compared in Redis: one round trip.
    kept = cache.get_stamped(key)
    if kept is not None:
        obj, stamp = kept
        council_id = council_of(obj).pk
        feed.learn(council_id, stamp)  # it was the published version a moment ago
        _keep_locally(key, council_id, stamp, obj)
        return obj
    obj = get_with_related(model, pk, *path)
    council = council_of(obj) if obj is not None else None
    if council is not None:
        # Stamped with the version read with the object: a commit after this read publishes a higher one.
        stamp_key = version_key(council.pk)
        cache.add(stamp_key, council.data_version, timeout=PUBLISHED_VERSION_SECONDS)
        cache.set_stamped(key, obj, stamp_key=stamp_key, stamp=council.data_version, timeout=COPY_SECONDS)
        _keep_locally(key, council.pk, council.data_version, obj)
    return obj


def forget(model, pk, *path):
    """Drop the copies after a write that does not move the version (a visitor's last visit), in every process."""
    if enabled():
        key = _copy_key(model, pk, path)
        cache.delete(key)
        feed.publish_forget("copy", _local_key(key))


def _forget_local(kind, local_key):
    if kind is None:
        _local.clear()
    elif kind == "copy":
        _local.pop(local_key, None)


feed.on_forget(_forget_local)
