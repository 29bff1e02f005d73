from celery import shared_task

from meetings import requests


@shared_task(name="meetings.meeting_request_deadlines")
def meeting_request_deadlines():
    """Remind contacts once a day before the deadline, then mark unanswered requests expired."""
    reminded = requests.send_due_reminders()
    expired = requests.expire_overdue()
    return {"reminded": reminded, "expired": expired}
