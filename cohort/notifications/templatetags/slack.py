"""Filters for the Slack message templates in templates/slack/ (Block Kit JSON and fallbacks)."""

import json
import re

from django import template
from django.utils.safestring import mark_safe

register = template.Library()

_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_HEADING = re.compile(r"^#{1,6}\s+(.+)$", re.MULTILINE)


@register.filter
def slack_escape(value) -> str:
    """Slack reads &, < and > as markup: these three (and only these) are escaped."""
    text = str(value if value is not None else "")
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def markdown_to_mrkdwn(text: str) -> str:
    """The portal's markdown, approximated in Slack's mrkdwn (bold, links, headings)."""
    text = slack_escape(text or "")
    text = _HEADING.sub(r"*\1*", text)
    text = _BOLD.sub(r"*\1*", text)
    return _LINK.sub(lambda m: f"<{m.group(2)}|{m.group(1)}>", text)


@register.filter
def mrkdwn(value) -> str:
    return markdown_to_mrkdwn(str(value or ""))


@register.filter
def json_string(value) -> str:
    """A JSON string literal, for values placed inside a Block Kit JSON template."""
    return mark_safe(json.dumps(str(value if value is not None else "")))  # noqa: S308
