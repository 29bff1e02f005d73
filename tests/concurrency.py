"""Run calls at the same moment in real concurrent transactions, for tests of races on PostgreSQL."""

import threading

from django.db import connection


def run_at_once(calls):
    """Run each call in its own thread (its own connection and transaction), released together by a barrier.

    Returns what each call returned, or the exception it raised, in the order of ``calls``.
    """
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as exc:  # noqa: BLE001 - the test asserts on what each thread ended with
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results
