"""Where input enters: the one set of rules every portal form and query string follows.

- `BoundedForm` / `BoundedModelForm`: every text field has a maximum length (named on the page),
  refuses control characters other than tab and new line, URL fields take http(s) only, and
  date fields refuse dates outside a sane window (forms narrow it per cohort with
  `date_window`).
- `query_text`, `query_choice`, `query_date`, `query_int`: read a query-string value; anything
  that does not parse gives the default, so a bad link shows the default view.
"""

import re
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, URLValidator

LINE_MAX_LENGTH = 200
TEXT_MAX_LENGTH = 3000
# Far enough for any program, near enough that adding weeks to it never overflows.
EARLIEST_DATE = date(2000, 1, 1)
LATEST_DATE = date(2100, 12, 31)

# C0 controls but tab, new line and carriage return (browsers send CR LF), DEL, C1 controls,
# and lone surrogates (which cannot be stored as UTF-8).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
CONTROL_MESSAGE = (
    "This text contains control characters (such as NUL); only tabs and new lines are allowed. "
    "Remove them and try again."
)


def refuse_control_characters(value) -> None:
    if isinstance(value, str) and _CONTROL.search(value):
        raise ValidationError(CONTROL_MESSAGE, code="control_characters")


def has_control_characters(value: str) -> bool:
    return bool(_CONTROL.search(value))


def without_control_characters(value: str) -> str:
    """For drafts, which keep what was typed: everything but what cannot be stored."""
    return _CONTROL.sub("", value)


class HttpURLValidator(URLValidator):
    """Links people enter: http and https only (never javascript:, data:, file:)."""

    schemes = ["http", "https"]
    message = "Enter a web address starting with http:// or https://."


http_url = HttpURLValidator()


def is_http_url(value: str) -> bool:
    try:
        http_url(value)
    except ValidationError:
        return False
    return True


def http_url_lines(value: str) -> None:
    """A list of web addresses, one per line (an idea's links)."""
    bad = [line.strip() for line in value.splitlines() if line.strip()]
    bad = [line for line in bad if not is_http_url(line)]
    if bad:
        raise ValidationError(
            "Each line must be a web address starting with http:// or https://; not: %(bad)s",
            params={"bad": ", ".join(bad[:3])},
            code="invalid",
        )


class DateWindowValidator:
    def __init__(self, first: date, last: date, message: str = ""):
        self.first, self.last = first, last
        self.message = message or (f"Choose a date between {first:%-d %b %Y} and {last:%-d %b %Y}.")

    def __call__(self, value):
        if isinstance(value, date) and not self.first <= value <= self.last:
            raise ValidationError(self.message, code="date_window")

    def __eq__(self, other):
        return isinstance(other, DateWindowValidator) and (self.first, self.last) == (
            other.first,
            other.last,
        )


def date_window(field: forms.DateField, first: date, last: date, message: str = "") -> None:
    """Narrow a date field to [first, last], also in the browser's date picker."""
    field.validators = [v for v in field.validators if not isinstance(v, DateWindowValidator)]
    field.validators.append(DateWindowValidator(first, last, message))
    field.widget.attrs.update(min=first.isoformat(), max=last.isoformat())


def bound_field(field: forms.Field) -> None:
    """Apply the portal's input rules to one form field."""
    if isinstance(field, forms.CharField):
        if field.max_length is None:
            is_text = isinstance(field.widget, forms.Textarea)
            field.max_length = TEXT_MAX_LENGTH if is_text else LINE_MAX_LENGTH
            field.validators.append(MaxLengthValidator(field.max_length))
            if not field.widget.is_hidden:
                field.widget.attrs["maxlength"] = str(field.max_length)
        if refuse_control_characters not in field.validators:
            field.validators.append(refuse_control_characters)
        if not field.widget.is_hidden and field.max_length >= 100:
            note = f"At most {field.max_length:,} characters."
            help_text = str(field.help_text or "")
            if note not in help_text:
                field.help_text = f"{help_text} {note}".strip()
    if isinstance(field, forms.ModelMultipleChoiceField) and not getattr(
        field, "_ids_bounded", False
    ):
        _bound_ids(field)
    if isinstance(field, forms.URLField) and http_url not in field.validators:
        field.validators.append(http_url)
    if isinstance(field, forms.DateField) and not any(
        isinstance(v, DateWindowValidator) for v in field.validators
    ):
        date_window(field, EARLIEST_DATE, LATEST_DATE)


LARGEST_ID = 2**63 - 1


def _bound_ids(field: forms.ModelMultipleChoiceField) -> None:
    """A chosen id too large for the database is an invalid choice, not an OverflowError from
    the `pk__in` query (exact lookups are handled by Django; `__in` is not)."""
    original = field.clean

    def clean(value):
        values = value if isinstance(value, list | tuple) else [value] if value else []
        for item in values:
            text = str(item).strip()
            digits = text.isascii() and text.lstrip("-").isdigit()
            if digits and (len(text) > 20 or abs(int(text)) > LARGEST_ID):
                raise ValidationError(
                    field.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": text[:20]},
                )
        return original(value)

    field.clean = clean
    field._ids_bounded = True


class BoundedFormMixin:
    """Every field of the form follows the portal's input rules (see the module docstring)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            bound_field(field)

    # Fields a form adds after __init__ (one per person, say) get the same rules.
    def __getitem__(self, name):
        if name in self.fields:
            bound_field(self.fields[name])
        return super().__getitem__(name)

    def full_clean(self):
        for field in self.fields.values():
            bound_field(field)
        super().full_clean()


class BoundedForm(BoundedFormMixin, forms.Form):
    pass


class BoundedModelForm(BoundedFormMixin, forms.ModelForm):
    pass


# --- Query strings ----------------------------------------------------------------------------


def query_text(request, name: str, *, max_length: int = 64, default: str = "") -> str:
    """A short free-text filter; control characters or an over-long value give the default."""
    value = request.GET.get(name, default)
    if len(value) > max_length or has_control_characters(value):
        return default
    return value.strip()


def query_choice(request, name: str, choices, *, default: str = "") -> str:
    value = request.GET.get(name, default)
    return value if value in set(choices) else default


def query_int(request, name: str, *, default=None, low: int = 1, high: int = 2**31 - 1):
    value = request.GET.get(name, "")
    if not (value.isascii() and value.isdigit()) or len(value) > 10:
        return default
    number = int(value)
    return number if low <= number <= high else default


def query_date(
    request, name: str, *, default: date, first: date = EARLIEST_DATE, last: date = LATEST_DATE
) -> date:
    """An ISO date within [first, last], or the default."""
    value = request.GET.get(name, "")
    try:
        day = date.fromisoformat(value) if value.isascii() and len(value) == 10 else None
    except ValueError:
        day = None
    return day if day is not None and first <= day <= last else default


def path_token(value: str, *, max_length: int = 128) -> str | None:
    """A secret from a URL path (invitation key, feed token), or None when it cannot be one."""
    if len(value) > max_length or not re.fullmatch(r"[A-Za-z0-9_\-]+", value):
        return None
    return value
