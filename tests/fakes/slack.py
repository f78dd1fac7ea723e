"""A local fake of Slack's Web API, served over real HTTP on 127.0.0.1.

It speaks the methods the portal uses (chat.postMessage, chat.update, chat.delete,
chat.getPermalink, users.lookupByEmail, users.info, conversations.open,
conversations.history), records every call, and can be told to misbehave:

- `fail_next(n, fault)` for the next n calls (of any method, or of `methods` only);
- `set_fault(fault)` for every call until `set_fault(None)` (outages that last a while).

Faults: "429" (with Retry-After; `calls_inside_retry_after()` lists the calls that did not
wait for it), "500", a permanent Slack error code such as
"channel_not_found", "hang" (no answer until the client gives up) and "hang_after" (the
call takes effect, then the answer is lost: the ambiguous case of a timeout).

Point slack-sdk's WebClient at it with `base_url=fake.base_url`.
"""

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

TOKEN = "xoxb-fake-token"


@dataclass
class Call:
    method: str
    args: dict
    status: int
    at: float = field(default_factory=time.time)
    retry_after: float = 0  # what a 429 told the caller to wait
    answered_at: float = 0  # when the answer had been written back (0: never)

    @property
    def channel(self) -> str:
        return str(self.args.get("channel") or "")


@dataclass
class Fault:
    kind: str
    retry_after: int = 1
    methods: frozenset | None = None

    def applies_to(self, method: str) -> bool:
        return self.methods is None or method in self.methods


class FakeSlack:
    def __init__(self, hang_seconds: float = 5.0):
        self.calls: list[Call] = []
        self.messages: dict[str, list[dict]] = {}  # channel -> messages
        self.users = {}  # email -> user id
        self.hang_seconds = hang_seconds
        self.latency = 0.0  # seconds between doing a call and answering it
        self._queued: list[list] = []  # [remaining, Fault]
        self._standing: Fault | None = None
        self._lock = threading.Lock()
        self._ts = 0.0
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                fake._handle(self)

            def do_POST(self):
                fake._handle(self)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # --- control -----------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/api/"

    def start(self) -> "FakeSlack":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def add_user(self, email: str, user_id: str | None = None) -> str:
        with self._lock:
            user_id = user_id or f"U{len(self.users) + 1:08d}"
            self.users[email.lower()] = user_id
            return user_id

    def fail_next(self, n: int, fault: str, retry_after: int = 1, methods=None) -> None:
        with self._lock:
            self._queued.append(
                [n, Fault(fault, retry_after, frozenset(methods) if methods else None)]
            )

    def set_fault(self, fault: str | None, retry_after: int = 1, methods=None) -> None:
        with self._lock:
            self._standing = (
                Fault(fault, retry_after, frozenset(methods) if methods else None)
                if fault
                else None
            )

    def calls_to(self, method: str, status: int | None = 200) -> list[Call]:
        with self._lock:
            return [
                c
                for c in self.calls
                if c.method == method and (status is None or c.status == status)
            ]

    def calls_inside_retry_after(self) -> list[tuple[Call, Call]]:
        """Each (429, later call) pair where the later call came after the 429 had been
        answered and before its Retry-After had passed, and was covered by it as Slack scopes
        its limits: chat.postMessage per channel, every other method per method (and its
        channel, when it names one). Calls that arrived while the 429 was still being answered
        were sent before anyone could know of it, and are not counted."""
        with self._lock:
            calls = list(self.calls)
        inside = []
        for limited in (c for c in calls if c.status == 429):
            since, until = limited.answered_at or limited.at, limited.at + limited.retry_after
            for later in calls:
                if not since < later.at < until:
                    continue
                same_channel = bool(limited.channel) and later.channel == limited.channel
                same_method = (
                    limited.method != "chat.postMessage" and later.method == limited.method
                )
                if same_channel or same_method:
                    inside.append((limited, later))
        return inside

    def posted(self) -> list[dict]:
        """Every message that really landed (not faulted), in every channel."""
        with self._lock:
            return [m for messages in self.messages.values() for m in messages]

    def posts_by_marker(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for message in self.posted():
            marker = ((message.get("metadata") or {}).get("event_payload") or {}).get("marker")
            counts[marker] = counts.get(marker, 0) + 1
        return counts

    # --- serving -----------------------------------------------------------------------------

    def _take_fault(self, method: str) -> Fault | None:
        with self._lock:
            for entry in self._queued:
                if entry[0] > 0 and entry[1].applies_to(method):
                    entry[0] -= 1
                    return entry[1]
            if self._standing and self._standing.applies_to(method):
                return self._standing
        return None

    def _args(self, handler) -> dict:
        query = {k: v[-1] for k, v in parse_qs(urlparse(handler.path).query).items()}
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        if raw:
            if "json" in (handler.headers.get("Content-Type") or ""):
                query.update(json.loads(raw))
            else:
                query.update({k: v[-1] for k, v in parse_qs(raw.decode()).items()})
        return query

    def _reply(self, handler, status: int, body: dict, headers: dict | None = None) -> None:
        data = json.dumps(body).encode()
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", "application/json; charset=utf-8")
            handler.send_header("Content-Length", str(len(data)))
            for key, value in (headers or {}).items():
                handler.send_header(key, value)
            handler.end_headers()
            handler.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _handle(self, handler) -> None:
        method = urlparse(handler.path).path.rsplit("/", 1)[-1]
        args = self._args(handler)
        if handler.headers.get("Authorization") != f"Bearer {TOKEN}":
            self._record(method, args, 200)
            return self._reply(handler, 200, {"ok": False, "error": "invalid_auth"})
        fault = self._take_fault(method)
        if fault is not None and fault.kind == "hang":
            self._record(method, args, 0)
            time.sleep(self.hang_seconds)
            return None
        if fault is not None and fault.kind != "hang_after":
            if fault.kind == "429":
                call = self._record(method, args, 429, retry_after=fault.retry_after)
                self._reply(
                    handler,
                    429,
                    {"ok": False, "error": "ratelimited"},
                    {"Retry-After": str(fault.retry_after)},
                )
                call.answered_at = time.time()
                return None
            if fault.kind == "500":
                self._record(method, args, 500)
                return self._reply(handler, 500, {"ok": False, "error": "internal_error"})
            self._record(method, args, 200)
            return self._reply(handler, 200, {"ok": False, "error": fault.kind})
        body = self._perform(method, args)
        self._record(method, args, 200 if fault is None else 0)
        if fault is not None:  # hang_after: done, but the answer never arrives
            time.sleep(self.hang_seconds)
            return None
        if self.latency:
            time.sleep(self.latency)
        return self._reply(handler, 200, body)

    def _record(self, method, args, status, retry_after: float = 0) -> Call:
        call = Call(method=method, args=args, status=status, retry_after=retry_after)
        with self._lock:
            self.calls.append(call)
        return call

    def _next_ts(self) -> str:
        with self._lock:
            self._ts = max(time.time(), self._ts + 0.000001)
            return f"{self._ts:.6f}"

    def _perform(self, method: str, args: dict) -> dict:
        if method == "chat.postMessage":
            channel = args.get("channel", "")
            if channel.startswith("C_MISSING"):
                return {"ok": False, "error": "channel_not_found"}
            metadata = args.get("metadata")
            if isinstance(metadata, str):
                metadata = json.loads(metadata)
            message = {
                "ts": self._next_ts(),
                "text": args.get("text", ""),
                "blocks": args.get("blocks"),
                "metadata": metadata,
                "channel": channel,
            }
            with self._lock:
                self.messages.setdefault(channel, []).append(message)
            return {"ok": True, "channel": channel, "ts": message["ts"], "message": message}
        if method == "chat.update":
            with self._lock:
                for message in self.messages.get(args.get("channel"), []):
                    if message["ts"] == args.get("ts"):
                        message["text"] = args.get("text", "")
                        message["blocks"] = args.get("blocks")
                        return {"ok": True, "channel": args["channel"], "ts": message["ts"]}
            return {"ok": False, "error": "message_not_found"}
        if method == "chat.delete":
            with self._lock:
                kept = [
                    m
                    for m in self.messages.get(args.get("channel"), [])
                    if m["ts"] != args.get("ts")
                ]
                found = len(kept) != len(self.messages.get(args.get("channel"), []))
                self.messages[args.get("channel")] = kept
            if not found:
                return {"ok": False, "error": "message_not_found"}
            return {"ok": True, "channel": args["channel"], "ts": args["ts"]}
        if method == "chat.getPermalink":
            return {
                "ok": True,
                "channel": args.get("channel"),
                "permalink": f"https://fake.slack.test/archives/{args.get('channel')}/"
                f"p{str(args.get('message_ts', '')).replace('.', '')}",
            }
        if method == "users.lookupByEmail":
            user_id = self.users.get(str(args.get("email", "")).lower())
            if user_id is None:
                return {"ok": False, "error": "users_not_found"}
            return {"ok": True, "user": {"id": user_id, "profile": {"email": args["email"]}}}
        if method == "users.info":
            email = next((e for e, u in self.users.items() if u == args.get("user")), None)
            if email is None:
                return {"ok": False, "error": "user_not_found"}
            return {"ok": True, "user": {"id": args["user"], "profile": {"email": email}}}
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": f"D{args.get('users', '')}"}}
        if method == "conversations.history":
            oldest = float(args.get("oldest") or 0)
            with self._lock:
                found = [
                    dict(m)
                    for m in self.messages.get(args.get("channel"), [])
                    if float(m["ts"]) >= oldest
                ]
            if str(args.get("include_all_metadata")).lower() not in ("1", "true"):
                for m in found:
                    m.pop("metadata", None)
            return {"ok": True, "messages": list(reversed(found)), "has_more": False}
        return {"ok": False, "error": "unknown_method"}
