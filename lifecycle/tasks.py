from celery import shared_task

from lifecycle.sponsor_review import send_weekly_updates


@shared_task(name="lifecycle.send_weekly_sponsor_updates")
def send_weekly_sponsor_updates():
    """Beat: the week's itinerary update to each program officer who asked for one (once per ISO week)."""
    return send_weekly_updates()
