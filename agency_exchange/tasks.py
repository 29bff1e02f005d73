from celery import shared_task

from agency_exchange.itinerary import send_weekly_versions


@shared_task(name="agency_exchange.send_weekly_versions")
def send_weekly_agency_versions():
    """Beat: the week's itinerary version of every segment being built, to its agency (once per ISO week)."""
    return send_weekly_versions()
