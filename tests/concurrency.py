"""Running callables at the same moment in threads, each on its own database connection."""

import threading

from django.db import connections


def race(functions, *, returning: tuple[type[BaseException], ...] = ()):
    """Start every function at once (a barrier) and return their results, in order. An
    exception of a `returning` type is its function's result instead."""
    barrier = threading.Barrier(len(functions))
    results = [None] * len(functions)

    def run(i, fn):
        try:
            barrier.wait()
            results[i] = fn()
        except returning as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(functions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results
