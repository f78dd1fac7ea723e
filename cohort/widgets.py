"""Widgets every app's forms share."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import mark_safe


class IsoDateInput(forms.DateInput):
    """`<input type=date>`: its value must be ISO (2026-12-21) whatever the site's locale, and
    the browser shows it in the viewer's own format."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class TimezoneInput(forms.TextInput):
    """A timezone typed with suggestions (a datalist of every IANA name, searched as one types)
    instead of a 600-line select; portal.js offers the browser's own zone with one click."""

    template_name = "cohort/widgets/timezone.html"

    def __init__(self, attrs=None, choices=()):
        super().__init__(attrs={"autocomplete": "off", "spellcheck": "false", **(attrs or {})})
        self.choices = list(choices)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        list_id = f"{context['widget']['attrs'].get('id') or name}_options"
        context["widget"]["attrs"].update({"list": list_id, "data-timezone-guess": ""})
        context["widget"]["list_id"] = list_id
        context["widget"]["choices"] = self.choices
        return context


class PlainSelect(forms.Select):
    """A select written out in Python. Django's Select renders a template per option, which a
    list of 150 people (a filter) or a select on every admin changelist (its actions) pays on
    each view. Flat choices only (no groups)."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = "" if value is None else str(value[0] if isinstance(value, list) else value)
        options = "".join(
            f'<option value="{escape(key)}"{" selected" if str(key) == chosen else ""}>'
            f"{escape(label)}</option>"
            for key, label in self.choices
        )
        attributes = flatatt(self.build_attrs(self.attrs, attrs))
        return mark_safe(f'<select name="{escape(name)}"{attributes}>{options}</select>')  # noqa: S308 - every part escaped
