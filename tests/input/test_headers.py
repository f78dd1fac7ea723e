"""Headers on every URL of the permission matrix, for every kind of visitor: a CSP without
inline script or style, a Permissions-Policy, and `Cache-Control: private, no-store` (a
permitted thumbnail under its versioned address: `private, immutable`)."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.urls import reverse

from cohort.checks import placeholder_keys
from tests.test_permission_matrix import MATRIX, VISITORS, _route_of, url_kwargs

BROWSER_KEEPS = {"participants:thumbnail"}


def _url(world, name):
    kwargs = url_kwargs(world).get(name)
    if kwargs is None:
        kwargs = {"slug": world.cohort.slug} if "<slug" in _route_of(name) else {}
    return reverse(name, kwargs=kwargs)


def _directives(header: str) -> dict[str, list[str]]:
    parts = [p.split() for p in header.split(";") if p.strip()]
    return {p[0]: p[1:] for p in parts}


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_every_page_sends_the_security_headers(client, world, name):
    url = _url(world, name)
    for visitor in VISITORS:
        client.logout()
        if world.users[visitor] is not None:
            client.force_login(world.users[visitor])
        response = client.get(url)
        csp = _directives(response["Content-Security-Policy"])
        cache = {d.strip() for d in response["Cache-Control"].split(",")}
        # Without its own directive a kind of resource falls back to default-src.
        scripts = csp.get("script-src", csp["default-src"])
        styles = csp.get("style-src", csp["default-src"])
        seen = (
            "'unsafe-inline'" in scripts or "*" in scripts,
            "'unsafe-inline'" in styles or "*" in styles,
            {"private", "no-store"} <= cache
            # A thumbnail under its versioned address, once permitted, is the one response a
            # browser keeps: for itself only, never in a shared cache.
            or (
                name in BROWSER_KEEPS
                and response.status_code == 200
                and {"private", "immutable"} <= cache
            ),
            "camera=()" in response["Permissions-Policy"],
        )
        assert seen == (False, False, True, True), (visitor, url)


def test_pages_carry_no_inline_script_or_style(client, world):
    """What the CSP would block must not be in the pages either (it would break silently)."""
    client.force_login(world.users["participant"])
    offenders = []
    for name, statuses in MATRIX.items():
        if statuses[VISITORS.index("participant")] != 200:
            continue
        response = client.get(_url(world, name))
        if "html" not in response["Content-Type"]:
            continue
        html = response.content.decode()
        if "<script>" in html or " style=" in html or "<style" in html or " onclick=" in html:
            offenders.append(name)
    assert offenders == []


def test_csv_export_is_private_and_not_stored(client, world):
    client.force_login(world.users["operations"])
    response = client.get(reverse("compute:review_export", kwargs={"slug": world.cohort.slug}))
    assert response.status_code == 200
    assert {d.strip() for d in response["Cache-Control"].split(",")} >= {"private", "no-store"}


def test_deploy_check_refuses_the_placeholder_secret_key(settings):
    (placeholder,) = placeholder_keys()
    settings.SECRET_KEY = placeholder

    with pytest.raises(SystemCheckError, match=r"cohort\.E001"):
        call_command("check", "--deploy", "--fail-level", "ERROR")


def test_deploy_check_accepts_a_real_secret_key(settings):
    settings.SECRET_KEY = "x7Jq0-a-real-random-key-" + "k" * 40
    assert placeholder_keys() == {"change-me-to-a-long-random-string-of-at-least-fifty-characters"}

    call_command("check", "--deploy", "--fail-level", "ERROR", "--tag", "security")
