"""Start a real Celery worker process on the test database, for tests about workers."""

import os
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def test_database_url():
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@contextmanager
def celery_worker(*, broker_url, var_dir, beat=False, extra_env=None):
    """Yield (process, queue name) of a worker that consumes its own queue; stop it afterwards."""
    queue = f"test-{uuid.uuid4().hex[:12]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "exchange.settings",
        "SECRET_KEY": "worker-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "DATABASE_URL": test_database_url(),
        "CELERY_BROKER_URL": broker_url,
        "CELERY_QUEUE": queue,
        "EXCHANGE_VAR_DIR": str(var_dir),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        **(extra_env or {}),
    }
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "exchange",
        "worker",
        "--pool=solo",
        "-Q",
        queue,
        "--without-gossip",
        "--without-mingle",
        "--loglevel=INFO",
    ]
    if beat:
        command += ["-B", "-s", str(Path(var_dir) / "beat-schedule")]
    log = open(Path(var_dir) / "worker.log", "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        yield process, queue
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def wait_until(predicate, *, timeout=30.0, interval=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False
