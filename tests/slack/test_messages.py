"""Every kind of Slack message renders from its template, with fallback text, within limits."""

import json

from django.template.loader import render_to_string
from django.utils import timezone

from cohort.notifications.messages import (
    MAX_BUTTON,
    MAX_HEADER,
    MAX_SECTION,
    MAX_TEXT,
    announcement_content,
    fit_blocks,
    notification_content,
    reminder_content,
)
from tests.factories.cohort import AnnouncementFactory


def block_types(content):
    return [block["type"] for block in content.blocks]


def test_announcement_message_has_header_body_and_link_back(cohort):
    announcement = AnnouncementFactory(
        cohort=cohort,
        title="Office hours <moved> & renamed",
        body="## Where\nSee **the guide** at [this page](https://example.org/guide).",
    )

    content = announcement_content(announcement)

    url = f"http://127.0.0.1:8000/c/demo-test/announcements/{announcement.pk}/"
    assert block_types(content) == ["header", "section", "context", "actions"]
    assert content.blocks[0]["text"]["text"] == "Office hours <moved> & renamed"
    assert content.blocks[1]["text"]["text"] == (
        "*Where*\nSee *the guide* at <https://example.org/guide|this page>."
    )
    assert content.blocks[3]["elements"][0]["url"] == url
    assert content.text.startswith("*Office hours &lt;moved&gt; &amp; renamed*")
    assert content.text.endswith(f"Read it in the portal: {url}")


def test_notification_message_renders_with_and_without_optional_parts(cohort):
    full = notification_content(
        cohort=cohort, title="Claim approved", body="Your $40 claim was approved.", url="/c/x/"
    )
    bare = notification_content(cohort=cohort, title="Hello", body="", url="")

    assert block_types(full) == ["section", "section", "context", "actions"]
    assert full.text == (
        "*Claim approved*\nYour $40 claim was approved.\nDetails: http://127.0.0.1:8000/c/x/\n"
        "_Test Cohort_"
    )
    assert block_types(bare) == ["section", "context"]
    assert bare.text == "*Hello*\n_Test Cohort_"


def test_reminder_message_shows_due_time_in_slack_date_format(cohort):
    due = cohort.end_of(cohort.goals_form_due)

    content = reminder_content(
        cohort=cohort, title="Goals form", body="Please fill it in.", url="/c/demo-test/", due=due
    )

    stamp = int(due.timestamp())
    assert block_types(content) == ["section", "context", "section", "context", "actions"]
    assert f"<!date^{stamp}^" in content.blocks[1]["elements"][0]["text"]
    assert content.text.startswith(f"Reminder: *Goals form* (due <!date^{stamp}^")


def test_long_texts_are_cut_to_block_kit_limits(cohort):
    announcement = AnnouncementFactory(cohort=cohort, title="T" * 200, body="word " * 3000)

    content = announcement_content(announcement)

    assert len(content.blocks[0]["text"]["text"]) == MAX_HEADER
    assert len(content.blocks[1]["text"]["text"]) <= MAX_SECTION
    assert content.blocks[1]["text"]["text"].endswith("…")
    assert len(content.text) <= MAX_TEXT
    assert "word…\n\nRead it in the portal: http://127.0.0.1:8000/c/" in content.text
    json.dumps(content.blocks)  # still valid JSON


def test_fit_blocks_cuts_buttons_and_block_count():
    blocks = [
        {"type": "actions", "elements": [{"type": "button", "text": {"text": "B" * 200}}]}
    ] * 60

    fitted = fit_blocks(json.loads(json.dumps(blocks)))

    assert len(fitted) == 50
    assert len(fitted[0]["elements"][0]["text"]["text"]) == MAX_BUTTON


def test_command_templates_render(cohort):
    now = timezone.now()
    reply = render_to_string(
        "slack/command_reply.txt",
        {
            "cohorts": [
                {
                    "cohort": cohort,
                    "url": "http://x/c/demo-test/",
                    "next": None,
                    "todo": [{"label": "Fill in <form>", "url": "http://x/f/", "due": now}],
                    "more": 2,
                    "sections": ["Next event: a talk"],
                }
            ]
        },
    )

    assert "*Test Cohort*\nNo deadlines left.\nNext event: a talk\nTo do:\n" in reply
    assert "• <http://x/f/|Fill in &lt;form&gt;>" in reply
    assert "…and 2 more on the portal." in reply
    assert render_to_string("slack/command_help.txt").startswith("*/cohort*")
    assert "portal account" in render_to_string("slack/command_unknown.txt")
