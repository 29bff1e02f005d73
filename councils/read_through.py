"""Who is asking, read through the shared cache while the council's data version stands.

Every request first reads who is asking: a staff member with their membership and council, or a link holder with
their program and council. When the page itself comes from the cache that read is most of the request's work. With
a shared cache (``CACHE_URL``), the objects are kept there with the data version they were read at, and the
version is published there by ``councils.changes`` after every commit that moves it; a copy is used only while the
published version still equals its own. Everything that can change what such a read decides (a revoked or
re-issued link, a deactivated user, a removed membership, a program's dates) moves the version, so it is read from
the database again at once.

The published version expires after ``PUBLISHED_VERSION_SECONDS``: should Redis miss an update (unreachable at the
moment of a commit), copies are trusted no longer than that. Without a shared cache each process would keep its
own copies that no other process can outdate, so every read goes to the database.
"""

from django.conf import settings
from django.core.cache import cache

from exchange.joined_rows import get_with_related

PUBLISHED_VERSION_SECONDS = 60
COPY_SECONDS = 600


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


def _copy_key(model, pk, path):
    return f"read-through:{model._meta.label}:{'.'.join(path)}:{pk}"


def get_with_related_cached(model, pk, *path, council_of):
    """``exchange.joined_rows.get_with_related(model, pk, *path)``, from the shared cache while the version of the
    council ``council_of(obj)`` names is the one the copy was read at. ``council_of`` returns None for an object
    of no council (then it is always read from the database)."""
    if not enabled():
        return get_with_related(model, pk, *path)
    key = _copy_key(model, pk, path)
    # The copy and the council's published version are compared in Redis: one round trip.
    obj = cache.get_stamped(key)
    if obj is not None:
        return obj
    obj = get_with_related(model, pk, *path)
    council = council_of(obj) if obj is not None else None
    if council is not None:
        # Stamped with the version read with the object: a commit after this read publishes a higher one.
        stamp_key = version_key(council.pk)
        cache.add(stamp_key, council.data_version, timeout=PUBLISHED_VERSION_SECONDS)
        cache.set_stamped(key, obj, stamp_key=stamp_key, stamp=council.data_version, timeout=COPY_SECONDS)
    return obj


def forget(model, pk, *path):
    """Drop the copy after a write that does not move the version (a visitor's last visit)."""
    if enabled():
        cache.delete(_copy_key(model, pk, path))
