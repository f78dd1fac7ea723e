"""What `make bench` needs from the server, mounted only when BENCH_ENDPOINTS is on.

The benchmark measures every page as a ratio to `hello`, a view served by the same gunicorn
process that does the least a logged-in page can do (load the session and the user), so that
the machine's load and the framework's own cost cancel out. `QueryCountMiddleware` tells the
benchmark how many queries each response took.
"""

from django.db import connection
from django.http import HttpResponse


def hello(request):
    """Hello, with the session and user loaded as on every page (2 queries when logged in)."""
    name = request.user.get_username() if request.user.is_authenticated else "stranger"
    return HttpResponse(f"hello {name}", content_type="text/plain")


class QueryCountMiddleware:
    """Adds `X-Bench-Queries`: the number of database queries the response took."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counting(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counting):
            response = self.get_response(request)
        response["X-Bench-Queries"] = str(count)
        return response
