"""LOG_FORMAT=json gives one JSON object per line; SENTRY_DSN turns on error reporting from web,
worker and beat with personal data scrubbed; without it nothing is sent."""

import json
import os
import subprocess
import sys
from pathlib import Path

from cohort import production

ROOT = Path(__file__).resolve().parents[2]


def _run_python(code: str, **env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("SENTRY", "LOG_"))}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )


LOG_A_LINE = (
    "import django, logging; django.setup(); "
    "logging.getLogger('portal.check').warning('two\\nlines for %s', 'Pat')"
)


def test_log_format_json_writes_one_object_per_line():
    result = _run_python(LOG_A_LINE, DJANGO_SETTINGS_MODULE="cohort.settings", LOG_FORMAT="json")

    lines = result.stderr.splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert {k: record[k] for k in ("level", "logger", "message")} == {
        "level": "WARNING",
        "logger": "portal.check",
        "message": "two\nlines for Pat",
    }
    assert sorted(record) == ["level", "logger", "message", "process", "time"]


def test_log_format_plain_is_the_default():
    result = _run_python(LOG_A_LINE, DJANGO_SETTINGS_MODULE="cohort.settings")

    assert result.stderr.endswith(" WARNING portal.check: two\nlines for Pat\n")


def test_sentry_is_off_without_a_dsn():
    result = _run_python(
        "import django, sentry_sdk; django.setup(); "
        "from django.conf import settings; "
        "print(settings.SENTRY_ENABLED, sentry_sdk.get_client().is_active())",
        DJANGO_SETTINGS_MODULE="cohort.settings",
    )

    assert result.stdout == "False False\n"


def test_sentry_is_on_with_a_dsn_with_django_and_celery_and_no_personal_data():
    result = _run_python(
        "import django, sentry_sdk; django.setup(); "
        "from django.conf import settings; c = sentry_sdk.get_client(); "
        "print(settings.SENTRY_ENABLED, c.is_active(), c.options['send_default_pii'], "
        "sorted(i for i in c.integrations if i in ('django', 'celery')), "
        "c.options['before_send'].__name__)",
        DJANGO_SETTINGS_MODULE="cohort.settings",
        SENTRY_DSN="http://public@127.0.0.1:9/1",
    )

    assert result.stdout == "True True False ['celery', 'django'] scrub_event\n"


def test_scrub_event_removes_the_user_cookies_form_data_and_addresses():
    event = {
        "server_name": "web-1",
        "user": {"id": 7, "email": "pat@example.org", "ip_address": "10.0.0.1"},
        "request": {
            "url": "https://portal.example.org/c/demo/me/profile/",
            "query_string": "email=pat@example.org",
            "cookies": {"sessionid": "abc"},
            "data": {"bio": "I live at 1 High Street"},
            "env": {"REMOTE_ADDR": "10.0.0.1"},
            "headers": {"Cookie": "sessionid=abc", "User-Agent": "Firefox", "X-Forwarded-For": "1"},
        },
        "exception": {
            "values": [
                {
                    "value": "No user with pat@example.org",
                    "stacktrace": {
                        "frames": [
                            {
                                "filename": "cohort/services.py",
                                "function": "invite",
                                "vars": {"email": "pat@example.org", "count": 3, "name": "Pat"},
                            }
                        ]
                    },
                }
            ]
        },
        "breadcrumbs": {"values": [{"message": "sent to pat@example.org", "level": "info"}]},
    }

    scrubbed = production.scrub_event(event, {})

    assert scrubbed == {
        "server_name": "web-1",
        "request": {
            "url": "https://portal.example.org/c/demo/me/profile/",
            "query_string": "",
            "headers": {"User-Agent": "Firefox"},
        },
        "exception": {
            "values": [
                {
                    "value": "No user with [Filtered]",
                    "stacktrace": {
                        "frames": [
                            {
                                "filename": "cohort/services.py",
                                "function": "invite",
                                "vars": {"email": "[Filtered]", "count": 3, "name": "[Filtered]"},
                            }
                        ]
                    },
                }
            ]
        },
        "breadcrumbs": {"values": [{"message": "sent to [Filtered]", "level": "info"}]},
    }


def test_logging_config_json_formatter_is_the_well_kept_library():
    config = production.logging_config(log_format="JSON", level="DEBUG")

    handler = config["handlers"]["console"]
    assert config["formatters"][handler["formatter"]]["()"] == (
        "pythonjsonlogger.json.JsonFormatter"
    )
    assert config["root"] == {"handlers": ["console"], "level": "DEBUG"}


class _FakeSentry:
    """Receives Sentry envelopes on 127.0.0.1 and keeps their decoded bodies."""

    def __init__(self):
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        received = self.received = []

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                import gzip
                import zlib

                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                encoding = self.headers.get("Content-Encoding", "")
                if encoding == "gzip":
                    body = gzip.decompress(body)
                elif encoding == "deflate":
                    body = zlib.decompress(body)
                elif encoding == "br":
                    import brotli

                    body = brotli.decompress(body)
                received.append(body.decode(errors="replace"))
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"{}")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def dsn(self) -> str:
        return f"http://publickey@127.0.0.1:{self.server.server_address[1]}/1"

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


REPORT_AN_ERROR = """
import django, sentry_sdk
django.setup()
sentry_sdk.set_user({"id": 7, "email": "pat@example.org", "ip_address": "10.1.2.3"})

def invite(email, name):
    raise ValueError("No account for " + email)

try:
    invite("pat@example.org", "Pat Private")
except ValueError:
    sentry_sdk.capture_exception()
sentry_sdk.flush(timeout=10)
"""


def test_an_error_reaches_sentry_without_the_persons_data():
    fake = _FakeSentry()
    try:
        _run_python(REPORT_AN_ERROR, DJANGO_SETTINGS_MODULE="cohort.settings", SENTRY_DSN=fake.dsn)
    finally:
        fake.stop()

    events = [body for body in fake.received if '"exception"' in body]
    assert len(events) == 1
    event = events[0]
    assert "No account for [Filtered]" in event
    assert '"function":"invite"' in event.replace(" ", "")
    for personal in ("pat@example.org", "Pat Private", "10.1.2.3"):
        assert personal not in event
