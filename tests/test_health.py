import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_health_reports_database_and_broker(client):
    response = client.get("/health/")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": True, "broker": True}


@override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/0")
def test_health_reports_an_unreachable_broker_as_degraded(client):
    response = client.get("/health/")

    assert response.status_code == 503
    assert response.json() == {"status": "degraded", "database": True, "broker": False}
