"""Markdown written by mentors and participants, rendered to HTML that is safe to show."""

import threading
from functools import lru_cache

import markdown as markdown_lib
import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em",
    "h2", "h3", "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "span", "strong",
    "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}}

# Building a Markdown instance loads every extension again, which cost more than the
# conversion itself. One instance per thread (it keeps state while converting), reset per call.
_local = threading.local()
_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes={"http", "https", "mailto"},
    link_rel="noopener noreferrer nofollow",
)


def _converter() -> markdown_lib.Markdown:
    converter = getattr(_local, "converter", None)
    if converter is None:
        converter = _local.converter = markdown_lib.Markdown(extensions=["extra", "sane_lists"])
    return converter


# The HTML is a pure function of the text, so each process keeps the latest renders: a page
# that shows the same announcements on every view converts them once. Long texts are not kept,
# so the memory this takes stays below CACHED_RENDERS * CACHED_MAX_CHARS characters of input.
CACHED_RENDERS = 512
CACHED_MAX_CHARS = 20_000


def _render(text: str) -> str:
    return _cleaner.clean(_converter().reset().convert(text))


_render_cached = lru_cache(maxsize=CACHED_RENDERS)(_render)


def render_markdown(text: str) -> str:
    text = text or ""
    if len(text) <= CACHED_MAX_CHARS:
        return _render_cached(text)
    return _render(text)
