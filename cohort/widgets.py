"""Widgets every app's forms share."""

from django import forms


class IsoDateInput(forms.DateInput):
    """`<input type=date>`: its value must be ISO (2026-12-21) whatever the site's locale, and
    the browser shows it in the viewer's own format."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")
