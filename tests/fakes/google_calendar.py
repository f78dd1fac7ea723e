"""A local fake of the part of Google Calendar v3 the portal uses, for tests.

A threaded HTTP server on 127.0.0.1: the OAuth token endpoint of a service account, and
events insert / get / update / patch / delete / list on any calendar id, kept in memory. It
behaves like Google where it matters to us: event ids must be base32hex, inserting an id that
exists (even deleted) answers 409, deleting twice answers 410, deleted events stay readable
with status "cancelled", and a conference createRequest gets a Meet link.

Faults for the next N calendar calls (`fail_next`), or for a share of all calls (`fail_rate`):
"429", "403" (rateLimitExceeded), "500", "lost" (the change is applied, then 500: the client
never learns it worked), "hang" (no answer until `hang_seconds`), "400" (a permanent refusal).
"""

import base64
import copy
import json
import random
import re
import threading
import time
import uuid
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

EVENT_ID = re.compile(r"^[a-v0-9]{5,1024}$")
FAULT_KINDS = ("429", "403", "500", "lost", "hang", "400")
PATH = re.compile(r"^/calendar/v3/calendars/(?P<calendar>[^/]+)/events(?:/(?P<event>[^/]+))?$")


class FakeGoogleCalendar:
    def __init__(self, hang_seconds: float = 3.0):
        self.lock = threading.Lock()
        self.calendars: dict[str, dict[str, dict]] = {}
        self.calls = Counter()
        self.faults = Counter()
        self.responses = Counter()
        self.tokens_issued = 0
        self.token_subjects: list[str] = []
        self.hang_seconds = hang_seconds
        self._queued: list[str] = []
        self._rate = 0.0
        self._rate_kinds: tuple[str, ...] = ()
        self._random = random.Random(0)  # noqa: S311 - fault schedule, not a secret
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    # --- control from tests -------------------------------------------------------------------
    def start(self) -> "FakeGoogleCalendar":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def api_endpoint(self) -> str:
        return f"{self.base_url}/calendar/v3/"

    @property
    def token_uri(self) -> str:
        return f"{self.base_url}/token"

    def fail_next(self, count: int, kind: str) -> None:
        assert kind in FAULT_KINDS
        with self.lock:
            self._queued.extend([kind] * count)

    def fail_rate(self, share: float, kinds=("429", "403", "500", "lost"), seed: int = 0) -> None:
        with self.lock:
            self._rate, self._rate_kinds = share, tuple(kinds)
            self._random = random.Random(seed)  # noqa: S311 - fault schedule, not a secret

    def heal(self) -> None:
        with self.lock:
            self._queued.clear()
            self._rate = 0.0

    def events(self, calendar_id: str, include_deleted: bool = False) -> dict[str, dict]:
        with self.lock:
            items = self.calendars.get(calendar_id, {})
            return {
                k: copy.deepcopy(v)
                for k, v in items.items()
                if include_deleted or v["status"] != "cancelled"
            }

    def put_event(self, calendar_id: str, event: dict) -> None:
        """Change Google's copy behind the portal's back (as a person editing in Google)."""
        with self.lock:
            self.calendars.setdefault(calendar_id, {})[event["id"]] = copy.deepcopy(event)

    def remove_event(self, calendar_id: str, event_id: str) -> None:
        """Lose an event entirely (as if it were never created)."""
        with self.lock:
            self.calendars.get(calendar_id, {}).pop(event_id, None)

    # --- the HTTP side --------------------------------------------------------------------
    def _next_fault(self) -> str | None:
        with self.lock:
            if self._queued:
                return self._queued.pop(0)
            if self._rate and self._random.random() < self._rate:
                return self._random.choice(self._rate_kinds)
        return None

    def _handler_class(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _body(self) -> dict:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                if not raw:
                    return {}
                if self.headers.get("Content-Type", "").startswith("application/x-www-form"):
                    return {k: v[0] for k, v in parse_qs(raw.decode()).items()}
                return json.loads(raw)

            def _send(self, status: int, payload=None):
                with fake.lock:
                    fake.responses[status] += 1
                data = b"" if payload is None else json.dumps(payload).encode()
                self.send_response(status)
                if payload is not None:
                    self.send_header("Content-Type", "application/json; charset=UTF-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if data:
                    self.wfile.write(data)

            def _error(self, status: int, reason: str, message: str, domain="global"):
                self._send(
                    status,
                    {
                        "error": {
                            "errors": [{"domain": domain, "reason": reason, "message": message}],
                            "code": status,
                            "message": message,
                        }
                    },
                )

            def do_POST(self):
                self._dispatch("POST")

            def do_GET(self):
                self._dispatch("GET")

            def do_PUT(self):
                self._dispatch("PUT")

            def do_PATCH(self):
                self._dispatch("PATCH")

            def do_DELETE(self):
                self._dispatch("DELETE")

            def _dispatch(self, method):
                url = urlsplit(self.path)
                query = {k: v[-1] for k, v in parse_qs(url.query).items()}
                body = self._body() if method in ("POST", "PUT", "PATCH") else {}
                if url.path == "/token" and method == "POST":
                    return self._token(body)
                match = PATH.match(url.path)
                if match is None:
                    return self._error(404, "notFound", "Not Found")
                if not self.headers.get("Authorization", "").startswith("Bearer fake-token-"):
                    return self._error(401, "authError", "Invalid Credentials")
                calendar_id = unquote(match["calendar"])
                event_id = unquote(match["event"]) if match["event"] else None
                operation = {
                    ("POST", False): "insert",
                    ("GET", False): "list",
                    ("GET", True): "get",
                    ("PUT", True): "update",
                    ("PATCH", True): "patch",
                    ("DELETE", True): "delete",
                }.get((method, event_id is not None))
                if operation is None:
                    return self._error(405, "methodNotAllowed", "Method not allowed")
                with fake.lock:
                    fake.calls[operation] += 1
                fault = fake._next_fault()
                if fault:
                    with fake.lock:
                        fake.faults[fault] += 1
                if fault == "hang":
                    time.sleep(fake.hang_seconds)
                    self.close_connection = True
                    return None
                if fault == "429":
                    return self._error(
                        429, "rateLimitExceeded", "Rate Limit Exceeded", "usageLimits"
                    )
                if fault == "403":
                    return self._error(
                        403, "rateLimitExceeded", "Rate Limit Exceeded", "usageLimits"
                    )
                if fault == "400":
                    return self._error(
                        400, "invalid", "Invalid value for: the fake was told to refuse"
                    )
                if fault == "500":
                    return self._error(500, "backendError", "Backend Error")
                status, payload = getattr(self, f"_op_{operation}")(
                    calendar_id, event_id, query, body
                )
                if fault == "lost":
                    return self._error(500, "backendError", "Backend Error")
                return self._send(status, payload)

            def _token(self, body):
                if body.get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer":
                    return self._send(400, {"error": "unsupported_grant_type"})
                assertion = body.get("assertion", "")
                try:
                    claims = json.loads(base64.urlsafe_b64decode(assertion.split(".")[1] + "=="))
                except (IndexError, ValueError):
                    return self._send(400, {"error": "invalid_grant"})
                with fake.lock:
                    fake.tokens_issued += 1
                    fake.token_subjects.append(claims.get("sub", ""))
                return self._send(
                    200,
                    {
                        "access_token": f"fake-token-{uuid.uuid4().hex}",
                        "expires_in": 3600,
                        "token_type": "Bearer",
                    },
                )

            # --- operations: (status, payload) -----------------------------------------------
            def _store(self, calendar_id):
                return fake.calendars.setdefault(calendar_id, {})

            def _finish(self, event, query):
                event["etag"] = f'"{time.time_ns()}"'
                event["updated"] = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
                event.setdefault("kind", "calendar#event")
                create = (event.get("conferenceData") or {}).get("createRequest")
                if create and query.get("conferenceDataVersion") == "1":
                    code = event["id"][:3] + "-" + event["id"][3:7] + "-" + event["id"][7:10]
                    link = f"https://meet.google.com/{code}"
                    event["conferenceData"] = {
                        "conferenceId": code,
                        "conferenceSolution": {"key": {"type": "hangoutsMeet"}},
                        "entryPoints": [{"entryPointType": "video", "uri": link}],
                        "createRequest": {**create, "status": {"statusCode": "success"}},
                    }
                    event["hangoutLink"] = link
                return event

            def _op_insert(self, calendar_id, _event_id, query, body):
                event_id = body.get("id") or uuid.uuid4().hex
                if not EVENT_ID.match(event_id):
                    return 400, _bad("Invalid resource id value.")
                if "start" not in body or "end" not in body:
                    return 400, _bad("Missing time range.")
                with fake.lock:
                    store = self._store(calendar_id)
                    if event_id in store:
                        return 409, _err(
                            409, "duplicate", "The requested identifier already exists."
                        )
                    event = self._finish({**body, "id": event_id, "status": "confirmed"}, query)
                    store[event_id] = event
                    return 200, copy.deepcopy(event)

            def _op_get(self, calendar_id, event_id, _query, _body):
                with fake.lock:
                    event = self._store(calendar_id).get(event_id)
                    if event is None:
                        return 404, _err(404, "notFound", "Not Found")
                    return 200, copy.deepcopy(event)

            def _op_update(self, calendar_id, event_id, query, body):
                with fake.lock:
                    store = self._store(calendar_id)
                    if event_id not in store:
                        return 404, _err(404, "notFound", "Not Found")
                    kept = {
                        k: store[event_id][k]
                        for k in ("conferenceData", "hangoutLink")
                        if k in store[event_id]
                    }
                    event = {**kept, **body, "id": event_id}
                    event.setdefault("status", "confirmed")
                    store[event_id] = self._finish(event, query)
                    return 200, copy.deepcopy(store[event_id])

            def _op_patch(self, calendar_id, event_id, query, body):
                with fake.lock:
                    store = self._store(calendar_id)
                    if event_id not in store:
                        return 404, _err(404, "notFound", "Not Found")
                    store[event_id] = self._finish(
                        {**store[event_id], **body, "id": event_id}, query
                    )
                    return 200, copy.deepcopy(store[event_id])

            def _op_delete(self, calendar_id, event_id, _query, _body):
                with fake.lock:
                    event = self._store(calendar_id).get(event_id)
                    if event is None:
                        return 404, _err(404, "notFound", "Not Found")
                    if event["status"] == "cancelled":
                        return 410, _err(410, "deleted", "Resource has been deleted")
                    event["status"] = "cancelled"
                    return 204, None

            def _op_list(self, calendar_id, _event_id, query, _body):
                with fake.lock:
                    items = list(self._store(calendar_id).values())
                if query.get("showDeleted") != "true":
                    items = [e for e in items if e["status"] != "cancelled"]
                wanted = query.get("privateExtendedProperty")
                if wanted:
                    key, _, value = wanted.partition("=")
                    items = [
                        e
                        for e in items
                        if ((e.get("extendedProperties") or {}).get("private") or {}).get(key)
                        == value
                    ]
                items.sort(key=lambda e: e["id"])
                size = int(query.get("maxResults", 250))
                start = int(query.get("pageToken", 0))
                page = {
                    "kind": "calendar#events",
                    "items": copy.deepcopy(items[start : start + size]),
                }
                if start + size < len(items):
                    page["nextPageToken"] = str(start + size)
                return 200, page

        return Handler


def _err(code, reason, message):
    return {
        "error": {
            "errors": [{"domain": "global", "reason": reason, "message": message}],
            "code": code,
            "message": message,
        }
    }


def _bad(message):
    return _err(400, "invalid", message)


def service_account_json(token_uri: str) -> str:
    """A throwaway service-account key (a fresh RSA key), in Google's JSON key format."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return json.dumps(
        {
            "type": "service_account",
            "project_id": "portal-tests",
            "private_key_id": uuid.uuid4().hex,
            "private_key": pem,
            "client_email": "calendar-sync@portal-tests.iam.gserviceaccount.com",
            "client_id": "1234567890",
            "token_uri": token_uri,
        }
    )
