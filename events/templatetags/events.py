from django import template
from django.utils import timezone

from events import queries

register = template.Library()


@register.simple_tag(takes_context=True)
def upcoming_events(context, limit=5):
    """The next few events of the page's cohort (one query)."""
    cohort = context.get("cohort")
    if cohort is None:
        return []
    return queries.upcoming_events(cohort, timezone.now(), limit)
