import uuid
from datetime import date, datetime

from django import template
from django.utils import dateformat, timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from cohort.markdown import render_markdown
from cohort.once import FIELD as ONCE_FIELD
from cohort.when import DATETIME_FORMAT, when_html

register = template.Library()

DAY_FORMAT = "D j M"


@register.filter(name="day")
def day_filter(value, fmt=DAY_FORMAT):
    """A calendar date (a phase start, an interview day): the same day for every viewer.

    Only `date`s are accepted: an instant must go through `{% when %}`, which converts it, so a
    page cannot show a day that moves with the viewer's timezone by accident.
    """
    if value in (None, ""):
        return ""
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"|day takes a date, not {type(value).__name__}: use {{% when %}}")
    return dateformat.format(value, fmt)


@register.filter(name="markdown")
def markdown_filter(text):
    return mark_safe(render_markdown(text))  # noqa: S308 - sanitised by nh3


@register.simple_tag(takes_context=True)
def when(context, moment, cohort=None, fmt=DATETIME_FORMAT):
    """An instant (an event, a slot, a deadline) in the viewer's timezone, with the cohort's
    beside it when they differ; a calendar date goes through `|day` instead."""
    cohort = cohort or context.get("cohort")
    return when_html(moment, None, cohort.timezone if cohort is not None else None, fmt)


@register.simple_tag
def countdown(moment, now=None):
    """ "3 days 4 hours" until a moment; "now" once it has passed."""
    now = now or timezone.now()
    seconds = int((moment - now).total_seconds())
    if seconds <= 0:
        return "now"
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = []
    if days:
        parts.append(f"{days} day{'s' if days != 1 else ''}")
    if hours or days:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if not days:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " ".join(parts)


@register.simple_tag
def once_token():
    """The hidden one-time token of a create form (cohort/once.py)."""
    return format_html('<input type="hidden" name="{}" value="{}">', ONCE_FIELD, uuid.uuid4())
