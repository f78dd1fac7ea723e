"""The `/cohort` slash command: signed requests only, answered privately and quickly."""

import hashlib
import hmac
import time
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from cohort.models import Role, SlackAccount
from cohort.todo import todo_items
from tests.slack.conftest import SIGNING_SECRET

URL = "/slack/commands/"


def signed(body: str, *, secret=SIGNING_SECRET, timestamp=None) -> dict:
    timestamp = str(int(timestamp if timestamp is not None else time.time()))
    base = f"v0:{timestamp}:{body}".encode()
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"HTTP_X_SLACK_REQUEST_TIMESTAMP": timestamp, "HTTP_X_SLACK_SIGNATURE": f"v0={digest}"}


def post(client, body: str, headers: dict):
    return client.post(URL, data=body, content_type="application/x-www-form-urlencoded", **headers)


@pytest.fixture
def slack_person(make_member):
    person = make_member(Role.PARTICIPANT, name="Sam Slack", email="sam@example.org")
    SlackAccount.objects.create(user=person, slack_user_id="U_SAM")
    return person


def test_slash_command_url_is_the_public_one():
    assert reverse("cohort:slack_command") == URL


def test_slash_command_valid_request_answers_privately_with_deadline_and_todo(
    client, signing_secret, slack_person, cohort
):
    body = urlencode({"command": "/cohort", "text": "", "user_id": "U_SAM"})

    started = time.monotonic()
    response = post(client, body, signed(body))
    elapsed = time.monotonic() - started

    assert response.status_code == 200
    data = response.json()
    assert data["response_type"] == "ephemeral"
    assert "*Test Cohort*" in data["text"]
    assert "Next deadline: Goals form due" in data["text"]
    open_items = [
        item.label for item in todo_items(slack_person.memberships.get()) if not item.done
    ]
    assert open_items  # a new participant has forms to fill in
    assert all(label in data["text"] for label in open_items)
    assert elapsed < 3


def test_slash_command_help(client, signing_secret):
    body = urlencode({"command": "/cohort", "text": "help", "user_id": "U_X"})

    response = post(client, body, signed(body))

    assert response.status_code == 200
    assert response.json()["text"].startswith("*/cohort* shows, only to you:")


def test_slash_command_finds_new_person_by_slack_email(
    client, signing_secret, fake_slack, make_member
):
    person = make_member(Role.TA, email="new.ta@example.org")
    fake_slack.add_user("new.ta@example.org", "U_NEW")
    body = urlencode({"command": "/cohort", "text": "", "user_id": "U_NEW"})

    response = post(client, body, signed(body))

    assert "*Test Cohort*" in response.json()["text"]
    assert SlackAccount.objects.get(slack_user_id="U_NEW").user == person


def test_slash_command_unknown_person_is_told_so(client, db, signing_secret, fake_slack):
    body = urlencode({"command": "/cohort", "text": "", "user_id": "U_NOBODY"})

    response = post(client, body, signed(body))

    assert response.json()["text"].startswith("I could not find a portal account")


def test_slash_command_forged_signature_is_refused(client, signing_secret, slack_person):
    body = urlencode({"command": "/cohort", "text": "", "user_id": "U_SAM"})

    response = post(client, body, signed(body, secret="not-the-secret"))

    assert (response.status_code, response.content) == (
        401,
        b"Invalid or replayed request signature.",
    )


def test_slash_command_tampered_body_is_refused(client, signing_secret, slack_person):
    body = urlencode({"command": "/cohort", "text": "", "user_id": "U_SAM"})
    headers = signed(body)

    response = post(client, body.replace("U_SAM", "U_ADMIN"), headers)

    assert response.status_code == 401


def test_slash_command_stale_request_is_refused(client, signing_secret, slack_person):
    body = urlencode({"command": "/cohort", "text": "", "user_id": "U_SAM"})

    response = post(client, body, signed(body, timestamp=time.time() - 6 * 60))

    assert response.status_code == 401


def test_slash_command_replayed_request_is_refused(client, signing_secret, slack_person):
    body = urlencode({"command": "/cohort", "text": "", "user_id": "U_SAM"})
    headers = signed(body)

    first = post(client, body, headers)
    replay = post(client, body, headers)

    assert (first.status_code, replay.status_code) == (200, 401)


def test_slash_command_unsigned_or_without_secret_is_refused(client, settings, slack_person):
    settings.SLACK_SIGNING_SECRET = ""
    body = urlencode({"command": "/cohort", "text": "", "user_id": "U_SAM"})

    unsigned = post(client, body, {})
    no_secret = post(client, body, signed(body))

    assert (unsigned.status_code, no_secret.status_code) == (401, 401)


def test_slash_command_garbled_timestamp_is_refused(client, signing_secret, slack_person):
    body = urlencode({"command": "/cohort", "text": "", "user_id": "U_SAM"})
    headers = {**signed(body), "HTTP_X_SLACK_REQUEST_TIMESTAMP": "yesterday"}

    response = post(client, body, headers)

    assert response.status_code == 401
