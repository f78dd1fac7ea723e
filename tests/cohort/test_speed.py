"""The speedups of issue 15 that every page shares: compressed HTML (with BREACH handled),
brotli static files, one markdown converter, the cohort count of the account menu, the cached
template loader and a /healthz that keeps its Redis connection."""

import gzip
import re
import socket
import threading

import brotli
import markdown as markdown_lib
import nh3
import pytest
from django.core.management import call_command
from django.http import HttpResponse
from django.template import engines
from django.urls import reverse

from cohort import markdown as portal_markdown
from cohort import views
from cohort.bench import QueryCountMiddleware
from cohort.markdown import render_markdown
from cohort.models import Membership, Role
from tests.factories.cohort import CohortFactory, MembershipFactory
from tests.factories.compute import ClaimFactory, make_receipt

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _fresh_render(text: str) -> str:
    """What render_markdown did before it kept one converter: a new Markdown every call."""
    html = markdown_lib.markdown(text, extensions=["extra", "sane_lists"])
    return nh3.clean(
        html,
        tags=portal_markdown.ALLOWED_TAGS,
        attributes=portal_markdown.ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def test_markdown_one_converter_renders_each_text_as_a_fresh_one_would():
    texts = [
        "A claim[^1] with a footnote.\n\n[^1]: The footnote.",
        "*[HTML]: Hyper Text\n\nHTML with an abbreviation.",
        "Plain **news** after them: no footnote or abbreviation of the texts before.",
        "| a | b |\n| --- | --- |\n| 1 | 2 |",
        '<script>alert(1)</script>[x](javascript:alert(1)) <a href="https://example.org">ok</a>',
        "",
    ]

    rendered = [render_markdown(text) for text in texts]

    assert rendered == [_fresh_render(text) for text in texts]
    assert rendered[2] == (
        "<p>Plain <strong>news</strong> after them: "
        "no footnote or abbreviation of the texts before.</p>"
    )


def test_markdown_keeps_short_texts_and_renders_long_ones_without_keeping_them():
    portal_markdown._render_cached.cache_clear()
    long_text = "word " * 210_000  # 1 MB

    render_markdown("Short **text**.")
    render_markdown("Short **text**.")
    long_html = render_markdown(long_text)

    info = portal_markdown._render_cached.cache_info()
    assert (info.hits, info.misses, info.currsize) == (1, 1, 1)
    assert long_html == _fresh_render(long_text)


def test_html_is_gzipped_for_clients_that_accept_it_only(client, participant, cohort):
    client.force_login(participant)
    url = reverse("cohort:home", kwargs={"slug": cohort.slug})

    compressed = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    plain = client.get(url)

    assert (compressed.status_code, compressed["Content-Encoding"]) == (200, "gzip")
    assert "Accept-Encoding" in compressed["Vary"]
    html = gzip.decompress(compressed.content).decode()
    assert "<h1" in html and "Test Cohort" in html
    assert (plain.status_code, plain.get("Content-Encoding")) == (200, None)
    assert len(compressed.content) < len(plain.content) / 3


def test_breach_csrf_token_and_gzip_length_change_on_every_response(client, participant, cohort):
    """BREACH guesses a secret from the compressed length of pages that repeat it: Django masks
    the CSRF token anew on every response, and pads the gzip header by a random length."""
    client.force_login(participant)
    url = reverse("cohort:home", kwargs={"slug": cohort.slug})

    responses = [client.get(url, HTTP_ACCEPT_ENCODING="gzip") for _ in range(5)]

    tokens = [CSRF_INPUT.findall(gzip.decompress(r.content).decode()) for r in responses]
    masked = [found[0] for found in tokens]
    assert len(set(masked)) == 5
    assert len({len(r.content) for r in responses}) > 1
    logout = client.post(reverse("account_logout"), {"csrfmiddlewaretoken": masked[0]})
    assert logout.status_code == 302


def test_static_files_are_collected_in_brotli_and_gzip(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }

    call_command("collectstatic", "--no-input", verbosity=0)

    css = [p for p in (tmp_path / "css").glob("portal.*.css") if p.suffix == ".css"]
    assert len(css) == 1
    original = css[0].read_bytes()
    assert brotli.decompress(css[0].with_name(css[0].name + ".br").read_bytes()) == original
    assert gzip.decompress(css[0].with_name(css[0].name + ".gz").read_bytes()) == original


def test_template_loader_is_the_cached_one():
    engine = engines["django"].engine

    loaders = [loader.__class__.__module__ for loader in engine.template_loaders]

    assert loaders == ["django.template.loaders.cached"]


def test_switch_cohort_shows_for_people_in_two_cohorts_only(client, cohort, make_member):
    other = CohortFactory(slug="other", name="Other Cohort")
    for _ in range(3):  # other people's memberships in both cohorts must not count
        make_member(Role.PARTICIPANT, in_cohort=other)
    both = make_member(Role.PARTICIPANT, name="In Both")
    MembershipFactory(cohort=other, user=both, role=Role.TA)
    one = make_member(Role.PARTICIPANT, name="In One")
    url = reverse("cohort:home", kwargs={"slug": cohort.slug})

    seen = {}
    for user in (both, one):
        client.force_login(user)
        seen[user.name] = "Switch cohort" in client.get(url).content.decode()

    assert seen == {"In Both": True, "In One": False}


def test_switch_cohort_costs_no_query_of_its_own_on_cohort_pages(
    client, cohort, make_member, django_assert_num_queries
):
    other = CohortFactory(slug="other", name="Other Cohort")
    person = make_member(Role.PARTICIPANT)
    MembershipFactory(cohort=other, user=person, role=Role.PARTICIPANT)
    client.force_login(person)
    url = reverse("cohort:faq", kwargs={"slug": cohort.slug})

    # user, membership (with the cohort count and the withdrawal standing), FAQ entries; the
    # session comes from the cache
    with django_assert_num_queries(3):
        response = client.get(url)

    assert "Switch cohort" in response.content.decode()


def _parse_commands(buffer: bytes) -> tuple[list[list[bytes]], bytes]:
    """The complete RESP commands (arrays of bulk strings) in `buffer`, and what is left."""
    commands = []
    while buffer.startswith(b"*") and b"\r\n" in buffer:
        header, rest = buffer.split(b"\r\n", 1)
        parts = []
        for _ in range(int(header[1:])):
            if b"\r\n" not in rest:
                return commands, buffer
            length, rest = rest.split(b"\r\n", 1)
            size = int(length[1:])
            if len(rest) < size + 2:
                return commands, buffer
            parts.append(rest[:size])
            rest = rest[size + 2 :]
        commands.append(parts)
        buffer = rest
    return commands, buffer


# HELLO 3 (the client asks for RESP3 first) answered with the one field it checks.
ANSWERS = {b"HELLO": b"%1\r\n+proto\r\n:3\r\n", b"PING": b"+PONG\r\n"}


class FakeRedis:
    """A Redis on 127.0.0.1 that answers PONG and counts the connections it accepts."""

    def __init__(self):
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen()
        self.accepted = 0
        self.clients = []
        threading.Thread(target=self._serve, daemon=True).start()

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.server.getsockname()[1]}/0"

    def _serve(self):
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            self.accepted += 1
            self.clients.append(conn)
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn):
        buffer = b""
        while True:
            try:
                data = conn.recv(4096)
            except OSError:
                return
            if not data:
                return
            buffer += data
            commands, buffer = _parse_commands(buffer)
            for command in commands:
                conn.sendall(ANSWERS.get(command[0].upper(), b"-ERR unknown command\r\n"))

    def drop_connections(self):
        """As a Redis restart does: every open connection is closed."""
        for conn in self.clients:
            conn.shutdown(socket.SHUT_RDWR)
            conn.close()
        self.clients = []


@pytest.fixture
def fake_redis(settings):
    views._health_redis.cache_clear()
    redis = FakeRedis()
    settings.REDIS_URL = redis.url
    yield redis
    redis.server.close()
    views._health_redis.cache_clear()


def test_healthz_keeps_one_redis_connection_across_checks(client, db, fake_redis):
    answers = [client.get(reverse("healthz")) for _ in range(3)]

    assert [(a.status_code, a.json()["checks"]["redis"]) for a in answers] == [(200, "ok")] * 3
    assert fake_redis.accepted == 1


def test_healthz_reconnects_after_redis_restarts(client, db, fake_redis):
    client.get(reverse("healthz"))
    fake_redis.drop_connections()

    answer = client.get(reverse("healthz"))

    assert (answer.status_code, answer.json()["checks"]["redis"]) == (200, "ok")
    assert fake_redis.accepted == 2


def test_bench_hello_is_not_routed_unless_the_benchmark_turns_it_on(client, db, settings):
    response = client.get("/bench/hello")

    assert (response.status_code, settings.BENCH_ENDPOINTS) == (404, False)
    assert "cohort.bench.QueryCountMiddleware" not in settings.MIDDLEWARE


def test_bench_query_count_header_counts_the_queries_of_the_response(rf, cohort):
    def view(request):
        list(Membership.objects.all())
        list(Membership.objects.all())
        return HttpResponse("ok")

    response = QueryCountMiddleware(view)(rf.get("/"))

    assert (response.content, response["X-Bench-Queries"]) == (b"ok", "2")


def test_receipts_are_sent_as_stored_even_to_clients_that_accept_gzip(client, cohort, participant):
    receipt = make_receipt(ClaimFactory(cohort=cohort, owner=participant))
    client.force_login(participant)
    url = reverse("compute:receipt", kwargs={"slug": cohort.slug, "pk": receipt.pk})

    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")

    body = b"".join(response.streaming_content)
    assert (response.status_code, response.get("Content-Encoding")) == (200, None)
    assert (len(body), response["Content-Length"], body[:8]) == (
        receipt.size,
        str(receipt.size),
        b"\x89PNG\r\n\x1a\n",
    )
