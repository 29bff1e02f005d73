"""Fault drills: what staff see, and what is stored, when a part of the machine fails under a request."""

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from programs.models import Program, Stop

pytestmark = pytest.mark.django_db(transaction=True)


def _program_form(title):
    return {
        "title": title,
        "program_type": "ivlp",
        "status": "planning",
        "arrival_date": "2027-03-01",
        "departure_date": "2027-03-07",
        "stops-TOTAL_FORMS": "1",
        "stops-INITIAL_FORMS": "0",
        "stops-MIN_NUM_FORMS": "0",
        "stops-MAX_NUM_FORMS": "1000",
        "stops-0-city": "San Antonio",
        "stops-0-start_date": "2027-03-01",
        "stops-0-end_date": "2027-03-07",
        "stops-0-time_zone": "America/Chicago",
    }


def _lose_the_connection_before(table):
    """An execute wrapper that kills this connection's PostgreSQL backend just before it writes to ``table``."""
    import psycopg

    def wrapper(execute, sql, params, many, context):
        if sql.startswith(f'INSERT INTO "{table}"'):
            pid = context["connection"].connection.info.backend_pid
            settings = context["connection"].settings_dict
            with psycopg.connect(
                host=settings["HOST"] or "127.0.0.1",
                port=settings["PORT"] or 5432,
                user=settings["USER"],
                dbname=settings["NAME"],
                autocommit=True,
            ) as killer:
                killer.execute("SELECT pg_terminate_backend(%s)", [pid])
        return execute(sql, params, many, context)

    return wrapper


def test_losing_the_database_mid_request_shows_an_error_page_and_writes_nothing(require_postgres, staff):
    client = Client(raise_request_exception=False)
    client.force_login(staff)

    with connection.execute_wrapper(_lose_the_connection_before("programs_stop")):
        response = client.post(reverse("programs:program_new"), _program_form("Combating Trafficking in Persons"))

    connection.close()
    assert response.status_code == 500
    assert "Your last change was not saved: nothing of it was written." in response.content.decode()
    assert Program.objects.filter(title="Combating Trafficking in Persons").count() == 0
    assert Stop.objects.count() == 0


def test_the_same_request_succeeds_once_the_database_is_back(require_postgres, staff):
    client = Client()
    client.force_login(staff)

    response = client.post(reverse("programs:program_new"), _program_form("Combating Trafficking in Persons"))

    program = Program.objects.get(title="Combating Trafficking in Persons")
    assert response["Location"] == reverse("programs:program", args=[program.pk])
    assert [stop.city for stop in program.stops.all()] == ["San Antonio"]


# Nothing listens on the discard port: connecting is refused at once, as with a stopped Redis.
UNREACHABLE_REDIS = {"BACKEND": "exchange.redis_cache.RedisCache", "LOCATION": "redis://127.0.0.1:9/0"}


def test_staff_pages_work_while_the_session_cache_is_unreachable(client, staff, council, settings):
    settings.CACHES = {**settings.CACHES, "default": UNREACHABLE_REDIS}
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    client.force_login(staff)  # the session is written to the database; the cache copy is dropped

    response = client.get(reverse("programs:home"))

    assert response.status_code == 200
    assert response.context["user"] == staff


def test_an_unreachable_cache_reads_as_empty_and_drops_writes(settings):
    from django.core.cache import caches

    settings.CACHES = {**settings.CACHES, "default": UNREACHABLE_REDIS}
    cache = caches["default"]

    cache.set("greeting", "hello")

    assert cache.get("greeting", "absent") == "absent"
    assert cache.get_many(["greeting"]) == {}
    assert cache.add("greeting", "hello") is False


def test_the_redis_cache_keeps_one_client_per_pool(require_redis, settings):
    from django.core.cache import caches

    from conftest import redis_url

    settings.CACHES = {**settings.CACHES, "default": {**UNREACHABLE_REDIS, "LOCATION": redis_url()}}
    cache = caches["default"]

    cache.set("exchange-test-greeting", "hello", timeout=5)

    assert cache.get("exchange-test-greeting") == "hello"
    assert cache._cache.get_client(write=True) is cache._cache.get_client(write=True)
