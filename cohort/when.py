"""An instant as every page shows it: in the viewer's timezone, with the cohort's beside it when
the two differ. `{% when %}` renders it, and list pages precompute it per row in their queries."""

import zoneinfo
from datetime import datetime, tzinfo

from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

DATETIME_FORMAT = "%a %-d %b, %H:%M"


def when_html(
    moment: datetime,
    viewer_tz: tzinfo | None = None,
    cohort_tz: tzinfo | str | None = None,
    fmt: str = DATETIME_FORMAT,
) -> SafeString:
    """`<time>` of `moment` in `viewer_tz` (the active one by default), and `(cohort time)`."""
    viewer_tz = viewer_tz or timezone.get_current_timezone()
    local = moment.astimezone(viewer_tz)
    html = format_html(
        '<time datetime="{}">{} <span class="tz">{}</span></time>',
        moment.isoformat(),
        local.strftime(fmt),
        local.tzname(),
    )
    if cohort_tz is None:
        return html
    if isinstance(cohort_tz, str):
        cohort_tz = zoneinfo.ZoneInfo(cohort_tz)
    cohort_local = moment.astimezone(cohort_tz)
    if local.utcoffset() == cohort_local.utcoffset():
        return html
    return format_html(
        '{} <span class="muted">({} {})</span>',
        html,
        cohort_local.strftime(fmt),
        cohort_local.tzname(),
    )
