"""Slack messages rendered from templates in templates/slack/: Block Kit plus fallback text.

Each message `name` has `slack/<name>.txt` (the plain-text fallback Slack shows in
notifications and to screen readers) and, optionally, `slack/<name>.json` (Block Kit). Texts
are cut to Block Kit's limits here, after rendering, so templates stay simple.
"""

import json
from dataclasses import dataclass

from django.conf import settings
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string

# Block Kit's published limits (characters).
MAX_TEXT = 4000  # top-level `text`: Slack truncates longer ones anyway
MAX_BLOCKS = 50
MAX_HEADER = 150
MAX_SECTION = 3000
MAX_CONTEXT = 2000
MAX_BUTTON = 75
MAX_URL = 3000
ELLIPSIS = "…"


@dataclass(frozen=True)
class SlackContent:
    text: str
    blocks: list


def cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[: limit - len(ELLIPSIS)].rstrip() + ELLIPSIS


def absolute_url(url: str) -> str:
    if not url or url.startswith(("http://", "https://")):
        return url
    return settings.SITE_URL + (url if url.startswith("/") else "/" + url)


def _fit_text_object(obj: dict, limit: int) -> None:
    if isinstance(obj, dict) and isinstance(obj.get("text"), str):
        obj["text"] = cut(obj["text"], limit)


def fit_blocks(blocks: list) -> list:
    """Cut every text in a list of blocks to what Block Kit accepts."""
    blocks = blocks[:MAX_BLOCKS]
    for block in blocks:
        kind = block.get("type")
        if kind == "header":
            _fit_text_object(block.get("text"), MAX_HEADER)
        elif kind == "section":
            _fit_text_object(block.get("text"), MAX_SECTION)
            for field in block.get("fields", []):
                _fit_text_object(field, 2000)
        elif kind == "context":
            for element in block.get("elements", []):
                _fit_text_object(element, MAX_CONTEXT)
        elif kind == "actions":
            for element in block.get("elements", []):
                _fit_text_object(element.get("text"), MAX_BUTTON)
                if "url" in element:
                    element["url"] = element["url"][:MAX_URL]
    return blocks


def render_message(name: str, context: dict) -> SlackContent:
    context = {"site_name": settings.SITE_NAME, **context}
    text = render_to_string(f"slack/{name}.txt", context).strip()
    try:
        raw = render_to_string(f"slack/{name}.json", context)
    except TemplateDoesNotExist:
        blocks = []
    else:
        blocks = fit_blocks(json.loads(raw))
    return SlackContent(text=cut(text, MAX_TEXT), blocks=blocks)


def announcement_content(announcement) -> SlackContent:
    return render_message(
        "announcement",
        {
            "announcement": announcement,
            "cohort": announcement.cohort,
            "url": absolute_url(announcement.get_absolute_url()),
        },
    )


def notification_content(*, cohort, title: str, body: str, url: str) -> SlackContent:
    return render_message(
        "notification",
        {"cohort": cohort, "title": title, "body": body, "url": absolute_url(url)},
    )


def reminder_content(*, cohort, title: str, body: str, url: str, due=None) -> SlackContent:
    return render_message(
        "reminder",
        {"cohort": cohort, "title": title, "body": body, "url": absolute_url(url), "due": due},
    )
