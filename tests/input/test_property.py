"""Property: whatever a visitor types into any form of the portal, or puts in any query string
or path, the portal never answers with a server error, and what it refuses stores nothing.

The pages come from the permission matrix (every URL pattern of the portal), each opened by
every kind of member who may see it; the forms and query parameters are found on the pages and
in the views' modules (tests/input/crawl.py), so a new form or URL is covered without editing
this file. Each example runs in a savepoint that is rolled back, so examples do not pile up.
Run with HYPOTHESIS_PROFILE=ci for more examples (conftest.py); the figures are printed at the
end of the run.
"""

import re
from contextlib import contextmanager

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from hypothesis import given
from hypothesis import strategies as st

from tests.input import crawl
from tests.test_permission_matrix import MATRIX, VISITORS, _route_of, url_kwargs

# "paired" is a participant in a sprint pair: the problem and dates forms are theirs.
CRAWLERS = ("anonymous", "participant", "paired", "ta", "mentor", "operations")
_fuzzed_forms: set = set()
# A refused goals form keeps what was typed as a draft, by design (save_goals_draft); its rows
# are still checked against their model below.
# A cohort's sprint rules are created with their defaults on first use (sprints.queries
# .settings_for), also by the page that shows a refused form again: nothing typed is in them.
DRAFTS = {"participants.GoalsAnswer", "sprints.SprintSettings"}


def visitors_who_see(name: str) -> list[str]:
    statuses = dict(zip(VISITORS, MATRIX[name], strict=True))
    return [v for v in CRAWLERS if statuses["participant" if v == "paired" else v] == 200]


def page_url(world, name: str) -> str:
    kwargs = url_kwargs(world).get(name)
    if kwargs is None:
        kwargs = {"slug": world.cohort.slug} if "<slug" in _route_of(name) else {}
    return reverse(name, kwargs=kwargs)


def client_for(world, visitor: str) -> Client:
    client = Client(raise_request_exception=False)
    user = (
        world.booking.pair.members.order_by("slot").first().user
        if visitor == "paired"
        else world.users[visitor]
    )
    if user is not None:
        client.force_login(user)
    return client


@contextmanager
def rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def is_portal_url(url: str) -> bool:
    try:
        match = resolve(url.split("?")[0])
    except Resolver404:
        return False
    module = getattr(match.func, "__module__", "")
    return module.split(".")[0] in crawl.PORTAL_APPS


def html_of(response) -> str:
    if "html" not in response.get("Content-Type", ""):
        return ""
    return response.content.decode("utf-8", "replace")


def _count(cells: int, response) -> None:
    crawl.FIGURES["cells"] += cells
    crawl.FIGURES["requests"] += 1
    if response.status_code >= 500:
        crawl.FIGURES["server_errors"] += 1


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_absurd_input_never_gives_a_server_error_nor_stores_what_is_refused(world, name):
    """Every query parameter the page reads, then every form on the page, for each visitor."""
    url = page_url(world, name)
    for visitor in visitors_who_see(name):
        client = client_for(world, visitor)
        html = html_of(client.get(url))
        names = crawl.get_parameters(html, url)
        crawl.FIGURES["parameters"] |= {f"{name}?{n}" for n in names}
        _fuzz_query(client, visitor, url, names | {"page"})
        for form in crawl.parse_page(html)[0]:
            action = form.action or url
            if form.method != "post" or not is_portal_url(action):
                continue
            key = (visitor, resolve(action.split("?")[0]).view_name, tuple(sorted(form.fields)))
            if key in _fuzzed_forms:
                continue
            _fuzzed_forms.add(key)
            crawl.FIGURES["forms"].add(key)
            _fuzz_form(client, visitor, url, action, form)


def _fuzz_query(client, visitor, url, names):
    @given(params=crawl.query_values(names))
    def check(params):
        with rolled_back():
            response = client.get(f"{url}?{crawl.urlencoded(params)}")
        _count(max(len(params), 1), response)
        assert response.status_code < 500, (visitor, url, params)

    check()


PATH_CAPTURE = re.compile(r"<(?:str:)?(\w+)>")


@pytest.mark.parametrize(
    "name", sorted(n for n in MATRIX if PATH_CAPTURE.search(_route_of(n).replace("<slug:", "")))
)
def test_text_in_url_paths_never_gives_a_server_error(world, name):
    """Tokens in the path (invitation keys, feed tokens) with NUL bytes and the like."""
    captures = PATH_CAPTURE.findall(_route_of(name).replace("<slug:slug>", ""))
    marker = "PATHCAPTURE"
    kwargs = url_kwargs(world).get(name, {"slug": world.cohort.slug})
    template = reverse(name, kwargs={**kwargs, **dict.fromkeys(captures, marker)})
    for visitor in ("anonymous", "participant"):
        _fuzz_path(client_for(world, visitor), template, marker)


def _fuzz_path(client, template, marker):
    @given(value=st.one_of(crawl.absurd_text, crawl.plain_text).filter(bool))
    def check(value):
        url = template.replace(marker, crawl.path_part(value)[:2000])
        with rolled_back():
            response = client.get(url)
        _count(1, response)
        assert response.status_code < 500, (url,)

    check()


def _refused(response) -> bool:
    return response.status_code in (400, 403, 404, 405, 409) or (
        response.status_code == 200 and b"errorlist" in response.content
    )


def _stored_invalid(saved: list) -> list[str]:
    """Rows written by the request that their own model would refuse."""
    problems = []
    for label, pk in saved:
        obj = apps.get_model(label).objects.filter(pk=pk).first()
        if obj is None:
            continue
        try:
            obj.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            problems.append(f"{label} {pk}: {exc.message_dict}")
    return problems


def _fuzz_form(client, visitor, url, action, form):
    @given(data=crawl.form_data(form))
    def check(data):
        with rolled_back(), crawl.saved_rows() as saved:
            if form.has_files:
                response = client.post(
                    action, {k: crawl.without_surrogates(v) for k, v in data.items()}
                )
            else:
                response = client.post(
                    action,
                    crawl.urlencoded(data),
                    content_type="application/x-www-form-urlencoded",
                )
            _count(max(len(data), 1), response)
            assert response.status_code < 500, (visitor, action, data)
            if _refused(response):
                stored = [row for row in crawl.still_stored(saved) if row[0] not in DRAFTS]
                assert stored == [], (visitor, action, data)
            assert _stored_invalid(saved) == [], (visitor, action, data)
            # Where the person is sent next still shows (a stored year 9999 broke a list).
            if response.status_code in (301, 302, 303) and is_portal_url(response["Location"]):
                shown = client.get(response["Location"])
                _count(0, shown)
                assert shown.status_code < 500, (visitor, "after", action, data)

    check()
