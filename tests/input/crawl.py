"""What the input tests discover by themselves: the forms on each page, the query-string
parameters each page reads, and absurd values to put in them.

Nothing here names a form or a parameter: a new page, form or field is covered as soon as it
is in the URLconf (and so in the permission matrix)."""

import inspect
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from urllib.parse import parse_qsl, quote, quote_plus, urlsplit

from django.apps import apps
from django.db.models.signals import post_save
from django.urls import resolve
from hypothesis import strategies as st

PORTAL_APPS = ("cohort", "participants", "sprints", "events", "compute")

# Figures for the report, printed at the end of the run (see conftest.py).
FIGURES = {"cells": 0, "requests": 0, "server_errors": 0, "forms": set(), "parameters": set()}


@dataclass
class Field:
    name: str
    kind: str  # text, textarea, select, checkbox, radio, date, number, file, hidden, submit
    value: str = ""
    options: list = field(default_factory=list)


@dataclass
class Form:
    method: str
    action: str
    fields: dict = field(default_factory=dict)

    @property
    def has_files(self) -> bool:
        return any(f.kind == "file" for f in self.fields.values())


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and "?" in a.get("href", ""):
            self.links.append(a["href"])
        if tag == "form":
            self._form = Form(method=(a.get("method") or "get").lower(), action=a.get("action", ""))
            self.forms.append(self._form)
            return
        if self._form is None or not a.get("name"):
            return
        name = a["name"]
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("radio", "checkbox") and name in self._form.fields:
                self._form.fields[name].options.append(a.get("value", "on"))
                return
            if kind in ("email", "url", "search", "tel", "password"):
                kind = "text"
            value = a.get("value", "on" if kind in ("radio", "checkbox") else "")
            self._form.fields[name] = Field(name, kind, value, [value])
        elif tag == "button" and (a.get("type") or "submit") == "submit":
            self._form.fields[name] = Field(name, "submit", a.get("value", ""))
        elif tag == "textarea":
            self._textarea = self._form.fields[name] = Field(name, "textarea")
        elif tag == "select":
            self._select = self._form.fields[name] = Field(name, "select")
        elif tag == "option" and self._select is not None:
            self._select.options.append(a.get("value", ""))
            if "selected" in a:
                self._select.value = a.get("value", "")

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def parse_page(html: str) -> tuple[list[Form], list[str]]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms, parser.links


_SOURCE_PARAMETER = re.compile(
    r"""GET(?:\.get|\.getlist)?[\(\[]\s*["'](\w+)["']|query_\w+\(\s*request\s*,\s*["'](\w+)["']"""
)


def source_parameters(url: str) -> set[str]:
    """The query-string names read by the module of the view behind `url`."""
    callback = resolve(urlsplit(url).path).func
    module = inspect.getmodule(inspect.unwrap(callback))
    try:
        source = inspect.getsource(module)
    except (OSError, TypeError):
        return set()
    return {a or b for a, b in _SOURCE_PARAMETER.findall(source)}


def get_parameters(html: str, url: str) -> set[str]:
    forms, links = parse_page(html)
    names = {n for f in forms if f.method == "get" for n in f.fields}
    names |= {k for link in links for k, _v in parse_qsl(urlsplit(link).query)}
    return names | source_parameters(url)


# --- Values ---------------------------------------------------------------------------------

MEGABYTE = "x" * 1_000_000
ABSURD = [
    "\x00",
    "a\x00b",
    "\ud800",
    "\udfff tail",
    "\u202egnp.exe",
    "\u200f\u200e\u2066",
    MEGABYTE,
    "",
    " ",
    "\x1b[2J\x07\x7f",
    "a\r\nb\tc",
    "<script>alert(1)</script>",
    "javascript:alert(1)",
    "data:text/html,<b>x</b>",
    "9999-12-31",
    "0001-01-01",
    "2026-02-30",
    "99999-01-01",
    "-1",
    "0",
    "1e400",
    "NaN",
    "-Infinity",
    "99999999999999999999999999",
    "0.000000001",
    "%00",
    "../../etc/passwd",
    "😀" * 50,
]
absurd_text = st.one_of(
    st.sampled_from(ABSURD),
    st.text(st.characters(codec=None, categories=["Cc", "Cs", "Cf", "Zl", "Zp"]), max_size=8),
    st.text(max_size=30),
)
plain_text = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=30)
iso_dates = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat)
numbers = st.one_of(
    st.integers(-(10**30), 10**30).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.integers(0, 200).map(str),
)


def value_for(f: Field):
    """Half the time something a person could have meant, half the time something absurd."""
    plausible = {
        "date": iso_dates,
        "number": st.integers(0, 600).map(str),
        "select": st.sampled_from(f.options or [""]),
        "radio": st.sampled_from(f.options or [""]),
        "checkbox": st.sampled_from([*f.options, None]),
        "hidden": st.just(f.value),
        "submit": st.sampled_from([f.value, None]),
    }.get(f.kind, st.one_of(st.just(f.value), plain_text))
    absurd = {"date": st.one_of(iso_dates, absurd_text), "number": st.one_of(numbers, absurd_text)}
    return st.one_of(plausible, absurd.get(f.kind, absurd_text))


def form_data(form: Form):
    fields = [f for f in form.fields.values() if f.kind != "file"]
    return st.fixed_dictionaries({f.name: value_for(f) for f in fields}).map(
        lambda d: {k: v for k, v in d.items() if v is not None}
    )


def query_values(names):
    text = st.one_of(absurd_text, iso_dates, numbers, plain_text)
    return (
        st.dictionaries(st.sampled_from(sorted(names)), text, max_size=4) if names else st.just({})
    )


def urlencoded(data: dict) -> str:
    """What a hostile client may send: lone surrogates go out as the bytes they would be."""
    return "&".join(
        f"{quote_plus(k)}={quote_plus(v.encode('utf-8', 'surrogatepass'))}" for k, v in data.items()
    )


def path_part(value: str) -> str:
    return quote(value.encode("utf-8", "surrogatepass"), safe="")


def without_surrogates(value: str) -> str:
    return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


# --- What is stored ---------------------------------------------------------------------------


@contextmanager
def saved_rows():
    """The (model label, pk) of every portal row saved inside the block."""
    saved = []

    def record(sender, instance, **kwargs):
        if sender._meta.app_label in PORTAL_APPS:
            saved.append((sender._meta.label, instance.pk))

    post_save.connect(record, weak=False, dispatch_uid="input-test-saved-rows")
    try:
        yield saved
    finally:
        post_save.disconnect(dispatch_uid="input-test-saved-rows")


def still_stored(saved: list) -> list:
    """The saved rows that are still there (a savepoint may have taken some back)."""
    return [
        (label, pk) for label, pk in saved if apps.get_model(label).objects.filter(pk=pk).exists()
    ]
