"""Reading a page's text as a person sees it, without a parsing library."""

import re
from html.parser import HTMLParser

BLOCK = {"p", "li", "div", "dt", "dd", "section", "tr", "td", "th", "h1", "h2", "h3", "ul", "ol"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class _TextOf(HTMLParser):
    def __init__(self, element_id):
        super().__init__()
        self.element_id, self.depth, self.parts, self.found = element_id, 0, [], False

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        if self.depth:
            self.depth += 1
        elif dict(attrs).get("id") == self.element_id:
            self.depth, self.found = 1, True

    def handle_endtag(self, tag):
        if self.depth and tag not in VOID:
            self.depth -= 1
            if tag in BLOCK:
                self.parts.append(" ")

    def handle_data(self, data):
        if self.depth:
            self.parts.append(data)


def text_by_id(html: str | bytes, element_id: str) -> str:
    """The text inside the element with this id, whitespace collapsed."""
    if isinstance(html, bytes):
        html = html.decode()
    parser = _TextOf(element_id)
    parser.feed(html)
    assert parser.found, f"no element with id {element_id!r}"
    return re.sub(r"\s+", " ", "".join(parser.parts)).strip()
