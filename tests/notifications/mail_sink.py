"""An email backend for worker tests: each message becomes one file in $TEST_MAIL_DIR after $TEST_MAIL_DELAY
seconds (the time an SMTP conversation takes), named by its outbox row so that a duplicate shows as a second file."""

import os
import time
import uuid
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class SlowFileBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        directory = Path(os.environ["TEST_MAIL_DIR"])
        delay = float(os.environ.get("TEST_MAIL_DELAY", "0"))
        for message in email_messages:
            time.sleep(delay)
            name = f"{message.extra_headers['X-Exchange-Notification']}-{uuid.uuid4().hex}.eml"
            (directory / name).write_bytes(message.message().as_bytes())
        return len(email_messages)


def delivered_ids(directory):
    """The outbox row id of every delivered file, duplicates included."""
    return sorted(int(path.name.split("-", 1)[0]) for path in Path(directory).glob("*.eml"))
