"""Benchmark: a large council in PostgreSQL, served by gunicorn as deployed, measured with wrk on loopback.

For the staff dashboard, the calendar data, a participant's Today page, program page and calendar feed (the big
program: 120 items), prints requests per second and p50/p95 latency, each as a ratio to a trivial view measured
the same way in the same run, in two states:

- warm: a repeated request while nothing changed. The browser sends back the cookies the page set; who is asking
  and the staff session are read from PostgreSQL as on every request, the page comes from the cache (Redis) under
  the council's data version.
- cold: the request right after a change, nothing cached. A second gunicorn whose settings keep nothing
  (``bench/cold_settings.py``) serves the same requests, so every one builds its page.

Then each page's query count built afresh (cache emptied) for a program of 10 items and one of 120, and warm.
Targets: warm >= 0.3 of the trivial view, cold >= 0.05, the same query count at 10 and 120 items. The misses are
printed; the exit status is 0 either way (a report, not a test).

    .venv/bin/python bench/run.py

Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/exchange_bench, created if missing,
the benchmark council loaded again), BENCH_CACHE_URL (redis://127.0.0.1:6379/3, emptied), BENCH_SECONDS (5 per
measurement), BENCH_ROUNDS (3), BENCH_CONNECTIONS (wrk connections, 8), BENCH_WORKERS (gunicorn sync workers, 3),
BENCH_PORT (8765). A run with the defaults takes about six minutes on two cores: 2 states x 5 pages x 3 rounds
x (5 s trivial + 5 s page), plus loading the council.
"""

import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from http.cookies import SimpleCookie
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/exchange_bench")
SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "3"))
PORT = int(os.environ.get("BENCH_PORT", "8765"))
CACHE_URL = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/3")
WARM_SETTINGS = "exchange.settings"
COLD_SETTINGS = "bench.cold_settings"
TRIVIAL = "/health/ping/"
WARM_TARGET = 0.3
COLD_TARGET = 0.05
ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": WARM_SETTINGS,
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

HEADER = """
wrk: {connections} connections on loopback; gunicorn {workers} sync workers; PostgreSQL. Large council: 40 programs x
120 items, 600 participants, 2,000 volunteers, 1,000 host organisations; the pages of its 120-item program in progress.
Who is asking and the staff session are read from PostgreSQL on every request, warm or cold.
  warm: a repeated request while nothing changed, from a browser with the cookies the page set; the page comes
        from the cache (Redis, {cache_url}) under the council's data version.
  cold: the request right after a change, nothing cached: the same requests to a second gunicorn whose settings
        keep nothing ({cold_settings}: DummyCache, PAGE_CACHE_SECONDS=0), so every request builds its page.
Each page and state: {rounds} rounds of {seconds} s of the trivial view ({trivial}) on the same server, then {seconds} s
of the page; medians of the rounds. x triv is the median of each round's page/trivial (the machine's speed drifts
between rounds, hardly within one). Queries: built afresh (cache emptied) for a program of 10 items and one of 120,
and warm (a returning browser while nothing changed) for the 120-item one.
"""

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


def big_pages(world):
    from bench.pages import page_paths

    return page_paths(world["big_program"], world["big_participant"])


def query_counts(world):
    """Each page's queries for the small and the big program, built afresh (the cache emptied before each), and
    for the big one again from the same browser while nothing changed (warm)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.pages import page_paths

    staff = Client()
    staff.force_login(world["user"])
    visitor = Client()  # a link holder's browser has no staff session
    counts = {}
    for size, program, participant in (
        ("10", world["small_program"], world["small_participant"]),
        ("120", world["big_program"], world["big_participant"]),
    ):
        for label, path, needs_staff in page_paths(program, participant):
            client = staff if needs_staff else visitor
            cache.clear()
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(path)
            assert response.status_code == 200, (label, path, response.status_code)
            counts.setdefault(label, {})[size] = len(ctx.captured_queries)
            if size == "120":
                client.get(path)  # the browser now has the cookies the page set, and the page is kept
                with CaptureQueriesContext(connection) as ctx:
                    response = client.get(path)
                assert response.status_code == 200, (label, path, response.status_code)
                counts[label]["warm"] = len(ctx.captured_queries)
    return counts


def session_cookie(user):
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _open(path, cookie):
    """GET ``path`` with the Cookie header ``cookie``; the cookies the response sets. Fails unless the page answers
    200 (a redirect to sign in, say)."""
    request = urllib.request.Request(f"http://127.0.0.1:{PORT}{path}", headers={"Cookie": cookie} if cookie else {})
    with urllib.request.build_opener(_NoRedirect).open(request, timeout=60) as response:
        if response.status != 200:
            raise RuntimeError(f"{path}: {response.status}")
        jar = SimpleCookie()
        for header in response.headers.get_all("Set-Cookie") or []:
            jar.load(header)
        response.read()
    return [f"{name}={morsel.value}" for name, morsel in jar.items()]


def returning_browser(path, cookie):
    """The Cookie header of a browser that has opened ``path`` before (it keeps the cookies the page set, such as
    the CSRF cookie its forms need). It opens the page once more with them, so that a page kept for such a browser
    is kept before the measurement starts."""
    browser = "; ".join([*([cookie] if cookie else []), *_open(path, cookie)])
    _open(path, browser)
    return browser


def wrk(path, cookie, script):
    # A slow page's requests are measured, not dropped: wrk's default timeout (2 s) counts them as errors only.
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--timeout", "30s", "-s", script]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run([*command, f"http://127.0.0.1:{PORT}{path}"], capture_output=True, text=True).stdout
    match = re.search(r"RESULT rps=([\d.]+) p50=([\d.]+) p95=([\d.]+) errors=(\d+)", output)
    if not match:
        raise RuntimeError(output)
    rps, p50, p95, errors = match.groups()
    return float(rps), float(p50), float(p95), int(errors)


@contextmanager
def gunicorn(settings_module):
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
        env={**ENV, "DJANGO_SETTINGS_MODULE": settings_module},
    )
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}{TRIVIAL}", timeout=1)
                break
            except OSError:
                if server.poll() is not None:
                    raise RuntimeError(f"gunicorn ({settings_module}) exited with {server.returncode}") from None
                time.sleep(0.2)
        else:
            raise RuntimeError(f"gunicorn ({settings_module}) did not answer")
        yield
    finally:
        server.terminate()
        server.wait(timeout=10)


def measure(state, settings_module, pages, cookie, script):
    """Per page: ``ROUNDS`` rounds of the trivial view then the page, on a server with ``settings_module``."""
    results = {}
    with gunicorn(settings_module):
        for label, path, staff in pages:
            browser = returning_browser(path, cookie if staff else None)
            rounds = []
            for _ in range(ROUNDS):
                trivial = wrk(TRIVIAL, None, script)
                rounds.append((trivial, wrk(path, browser, script)))
            result = {
                "rps": median(page[0] for _, page in rounds),
                "p50": median(page[1] for _, page in rounds),
                "p95": median(page[2] for _, page in rounds),
                "ratio": median(page[0] / trivial[0] for trivial, page in rounds),
                "trivial": median(trivial[0] for trivial, _ in rounds),
                "trivial_p50": median(trivial[1] for trivial, _ in rounds),
                "errors": sum(page[3] + trivial[3] for trivial, page in rounds),
            }
            results[label] = result
            print(
                f"  {state:<5}{label:<28}{result['rps']:>8.1f} req/s  p50 {result['p50']:>7.2f} ms  p95 "
                f"{result['p95']:>7.2f} ms  trivial {result['trivial']:>7.1f} req/s  x{result['ratio']:.3f}",
                flush=True,
            )
    return results


def main():
    started = time.monotonic()
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
    from django.db import connection, connections

    # Statistics as autovacuum keeps them on a live database; right after a bulk load the planner has none and
    # measures would depend on whether autovacuum happened to pass before wrk started.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    counts = query_counts(world)
    cookie = session_cookie(world["user"])
    pages = big_pages(world)
    connections.close_all()

    print(
        HEADER.format(
            connections=CONNECTIONS,
            workers=WORKERS,
            cache_url=CACHE_URL,
            cold_settings=COLD_SETTINGS,
            rounds=ROUNDS,
            seconds=SECONDS,
            trivial=TRIVIAL,
        ),
        flush=True,
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA)
    load_before = os.getloadavg()[0]
    try:
        warm = measure("warm", WARM_SETTINGS, pages, cookie, script.name)
        cold = measure("cold", COLD_SETTINGS, pages, cookie, script.name)
    finally:
        os.unlink(script.name)

    header = (
        f"{'page':<28}{'warm req/s':>11}{'p50 ms':>8}{'p95 ms':>8}{'x triv':>8}"
        f"{'cold req/s':>12}{'p50 ms':>8}{'p95 ms':>8}{'x triv':>8}{'queries@10':>12}{'@120':>6}{'warm':>6}"
    )
    print("\n" + header)
    print("-" * len(header))
    misses = []
    for label, _path, _staff in pages:
        w, c = warm[label], cold[label]
        c10, c120, cw = counts[label]["10"], counts[label]["120"], counts[label]["warm"]
        print(
            f"{label:<28}{w['rps']:>11.1f}{w['p50']:>8.2f}{w['p95']:>8.2f}{w['ratio']:>8.3f}"
            f"{c['rps']:>12.1f}{c['p50']:>8.2f}{c['p95']:>8.2f}{c['ratio']:>8.3f}{c10:>12}{c120:>6}{cw:>6}"
        )
        if w["ratio"] < WARM_TARGET:
            misses.append(f"{label}: warm {w['ratio']:.3f} of the trivial view (target {WARM_TARGET})")
        if c["ratio"] < COLD_TARGET:
            misses.append(f"{label}: cold {c['ratio']:.3f} of the trivial view (target {COLD_TARGET})")
        if c10 != c120:
            misses.append(f"{label}: query count differs ({c10} at 10 items, {c120} at 120)")
        if w["errors"] or c["errors"]:
            misses.append(f"{label}: {w['errors']} errors warm, {c['errors']} cold (4xx/5xx, socket errors, timeouts)")
    for state, results in (("warm", warm), ("cold", cold)):
        trivial = [r["trivial"] for r in results.values()]
        print(
            f"trivial view on the {state} server: {min(trivial):.1f}-{max(trivial):.1f} req/s (medians per page), "
            f"p50 {median(r['trivial_p50'] for r in results.values()):.2f} ms"
        )
    print("\n" + ("Targets met." if not misses else "Targets missed:\n- " + "\n- ".join(misses)))
    print(
        f"\nRun took {time.monotonic() - started:.0f} s. Load average (1 min) {load_before:.1f} before the "
        f"measurements, {os.getloadavg()[0]:.1f} after, on {os.cpu_count()} cores (other work on the machine lowers "
        f"every figure)."
    )


if __name__ == "__main__":
    main()
