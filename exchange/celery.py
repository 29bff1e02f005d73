import os
import sys
from pathlib import Path

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "exchange.settings")

app = Celery("exchange")
# Celery's Django fixup puts the working directory first on sys.path. Inside an app's folder (where makemessages
# runs) the app's own modules would then shadow libraries of the same name (meetings/requests.py for requests,
# meetings/calendar.py for the standard library's calendar); outside the project's root that entry serves nothing.
if sys.path and sys.path[0] == os.getcwd() and Path.cwd() != Path(__file__).resolve().parent.parent:
    del sys.path[0]
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
