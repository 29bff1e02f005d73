"""Benchmark: a large council in PostgreSQL, served by gunicorn, measured with wrk on loopback.

Prints, for each page, requests per second and p50/p95 latency next to a trivial view measured the same way in
the same run (as a ratio), and each page's query count for a program of 10 items and one of 120, and for a
returning browser while nothing changed.

    .venv/bin/python bench/run.py
Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/exchange_bench), BENCH_CACHE_URL
(redis://127.0.0.1:6379/3, emptied at the start), BENCH_SECONDS (5 per measurement), BENCH_ROUNDS (3),
BENCH_CONNECTIONS (8), BENCH_WORKERS (gunicorn workers, 3).
"""

import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.request
from http.cookies import SimpleCookie
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PORT = 8765
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/exchange_bench")
SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "3"))
CACHE_URL = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/3")
ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "exchange.settings",
    "DATABASE_URL": DATABASE_URL,
    "DATABASE_CONN_MAX_AGE": "60",
    "CACHE_URL": CACHE_URL,
    "SECRET_KEY": secrets.token_urlsafe(50),
    "DEBUG": "false",
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "SECURE_SSL_REDIRECT": "false",
    "SECURE_COOKIES": "false",
    "CELERY_BROKER_URL": "memory://",
    "SITE_URL": f"http://127.0.0.1:{PORT}",
    "LOG_LEVEL": "WARNING",
}
os.environ.update(ENV)
os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)

LUA = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT rps=%.1f p50=%.2f p95=%.2f errors=%d\\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout))
end
"""


def _ensure_database():
    name = DATABASE_URL.rsplit("/", 1)[1]
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], capture_output=True)


def _manage(*args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=ENV, check=True)


def pages(world):
    """(label, path, needs staff session) for the big program; the same for the small one via ``small=True``."""
    from bench.pages import page_paths

    return page_paths(world)


def query_counts(world):
    """Each page's queries for the small and the big program, built afresh (cold), and for the big one again from
    the same browser (warm: what a returning visitor or staff member costs while nothing changed)."""
    from django.core.cache import caches
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from councils.feed import feed

    client = Client()
    client.force_login(world["user"])
    counts = {}
    for size, paths in (
        ("10", pages({**world, "big_program": world["small_program"], "big_participant": world["small_participant"]})),
        ("120", pages(world)),
    ):
        for label, path, _staff in paths:
            # Cold: no page, no copy of who is asking, nothing a page caches (conflict judgements) from before.
            for alias in ("default", "pages"):
                caches[alias].clear()
            feed.drop_copies()
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(path)
            assert response.status_code == 200, (label, path, response.status_code)
            counts.setdefault(label, {})[size] = len(ctx.captured_queries)
            if size == "120":
                client.get(path)  # the browser now has the cookies the page set
                with CaptureQueriesContext(connection) as ctx:
                    client.get(path)
                counts[label]["warm"] = len(ctx.captured_queries)
    return counts


def session_cookie(user):
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def returning_browser(path, cookie):
    """The Cookie header of a browser that has opened ``path`` once before (it keeps the cookies the page set, such
    as the CSRF cookie its forms need)."""
    request = urllib.request.Request(f"http://127.0.0.1:{PORT}{path}", headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=30) as response:
        jar = SimpleCookie()
        for header in response.headers.get_all("Set-Cookie") or []:
            jar.load(header)
    pairs = [cookie] if cookie else []
    pairs += [f"{name}={morsel.value}" for name, morsel in jar.items()]
    return "; ".join(pairs)


def wrk(path, cookie, script):
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "-s", script]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run([*command, f"http://127.0.0.1:{PORT}{path}"], capture_output=True, text=True).stdout
    match = re.search(r"RESULT rps=([\d.]+) p50=([\d.]+) p95=([\d.]+) errors=(\d+)", output)
    if not match:
        raise RuntimeError(output)
    rps, p50, p95, errors = match.groups()
    return float(rps), float(p50), float(p95), int(errors)


def main():
    _ensure_database()
    _manage("migrate", "--no-input", "-v0")
    _manage("collectstatic", "--no-input", "-v0")
    import django

    django.setup()
    from bench.large_council import load

    print("Loading the large council ...", flush=True)
    world = load()
    from django.core.cache import cache

    # Pages kept by an earlier run name a council that was loaded again since.
    cache.clear()
    from django.db import connection

    # Statistics as autovacuum keeps them on a live database; right after a bulk load the planner has none and
    # measures would depend on whether autovacuum happened to pass before wrk started.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    counts = query_counts(world)
    cookie = session_cookie(world["user"])
    from django.db import connections

    connections.close_all()

    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "exchange.wsgi",
            "-w",
            str(WORKERS),
            "-b",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=ENV,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/health/ping/", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(LUA)
        print(
            f"\nwrk: {CONNECTIONS} connections, gunicorn {WORKERS} sync workers, PostgreSQL; large council: 40 "
            f"programs x 120 items, 600 participants, 2,000 volunteers, 1,000 host organisations.\nEach page: {ROUNDS} "
            f"rounds of {SECONDS}s of the trivial view, then {SECONDS}s of the page; medians of the rounds. The ratio "
            f"is the median of each round's page/trivial:\nthe machine's speed drifts between rounds, hardly within "
            f"one.\n"
        )
        header = (
            f"{'page':<26}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'trivial':>9}{'vs trivial':>12}{'queries@10':>12}"
            f"{'@120':>6}{'warm':>6}"
        )
        print(header)
        print("-" * len(header))
        failures = []
        for label, path, staff in pages(world):
            browser = returning_browser(path, cookie if staff else None)
            rounds = []
            for _ in range(ROUNDS):
                trivial = wrk("/health/ping/", None, script.name)
                rounds.append((trivial, wrk(path, browser, script.name)))
            rps, p50, p95 = (median(page[i] for _, page in rounds) for i in range(3))
            trivial_rps = median(trivial[0] for trivial, _ in rounds)
            ratio = median(page[0] / trivial[0] for trivial, page in rounds)
            errors = sum(page[3] + trivial[3] for trivial, page in rounds)
            c10, c120, warm = counts[label]["10"], counts[label]["120"], counts[label]["warm"]
            print(
                f"{label:<26}{rps:>9.1f}{p50:>9.2f}{p95:>9.2f}{trivial_rps:>9.1f}{ratio:>12.2f}{c10:>12}{c120:>6}"
                f"{warm:>6}"
            )
            if errors:
                failures.append(f"{label}: {errors} errors")
            if ratio < 0.5:
                failures.append(f"{label}: {ratio:.2f} of the trivial view's throughput (target 0.5)")
            if c10 != c120:
                failures.append(f"{label}: query count grows ({c10} -> {c120})")
        print("\n" + ("Targets met." if not failures else "Targets missed:\n- " + "\n- ".join(failures)))
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
