"""What makes a long admin changelist cheap to draw, for the lists staff open all day."""

from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.views.main import SEARCH_VAR
from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from cohort import fragments
from cohort.admin_rights import rights_of
from cohort.widgets import PlainSelect


class QuickActionForm(helpers.ActionForm):
    action = forms.ChoiceField(label=gettext_lazy("Action:"), widget=PlainSelect)


class QuickChangelistMixin:
    """A changelist whose row checkboxes and action select are written out directly: Django
    renders each through a widget template, which on a page of rows costs more than the rows."""

    action_form = QuickActionForm

    @admin.display(description=mark_safe('<input type="checkbox" id="action-toggle">'))
    def action_checkbox(self, obj):
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            format_html(_("Select this object for an action - {}"), obj),
        )


class CachedRowsMixin:
    """A changelist whose rows, date links and filters are drawn once per generation of what
    they show (cohort/fragments.py), in admin/cached_change_list.html.

    They depend on the rows' data (`list_topics` names every topic feeding a column or a
    filter's choices), the cohort seen, what the person may do there (for these scoped admins a
    function of the one cohort they manage it in; their roles there are in the key as well),
    the address's filters, ordering and page, the viewer's time zone and language: all of these
    are the key. Not kept: a superuser's list
    (every cohort), a person managing several cohorts, a search (free text must not fill the
    cache), a long address."""

    change_list_template = "admin/cached_change_list.html"
    # The cohort topics whose rows the list's columns and filters show.
    list_topics: tuple[str, ...] = ()
    MAX_KEPT_QUERY = 200

    def list_cache_key(self, request) -> str | None:
        if not self.list_topics or request.method != "GET" or request.user.is_superuser:
            return None
        query = urlencode(sorted(request.GET.lists()), doseq=True)
        if SEARCH_VAR in request.GET or len(query) > self.MAX_KEPT_QUERY:
            return None
        cohorts = self.managed_cohort_ids(request)
        if len(cohorts) != 1:
            return None
        (cohort_id,) = cohorts
        gens = fragments.generations(cohort_id, self.list_topics)
        roles = sorted(role for c, role in rights_of(request).memberships if c == cohort_id)
        return " ".join(
            [
                self.model._meta.label_lower,
                str(cohort_id),
                ",".join(roles),
                *(f"{topic}={gens[topic]}" for topic in self.list_topics),
                timezone.get_current_timezone_name(),
                get_language() or "",
                query,
            ]
        )

    def changelist_view(self, request, extra_context=None):
        key = self.list_cache_key(request)
        kept = _kept_fragments(key)
        # Read by get_queryset: kept rows are only counted, their cells are drawn already.
        request.__dict__[_ROWS_KEPT] = "kept_rows" in kept
        extra = {"list_cache_key": key, **kept, **(extra_context or {})}
        return super().changelist_view(request, extra_context=extra)

    def rows_are_kept(self, request) -> bool:
        """The rows of this (GET) request come drawn from the cache: only their count is read."""
        return request.__dict__.get(_ROWS_KEPT, False)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset.only("pk") if self.rows_are_kept(request) else queryset

    def get_list_select_related(self, request):
        if self.rows_are_kept(request):
            return ()
        return super().get_list_select_related(request)


_ROWS_KEPT = "_admin_rows_kept"
# The {% cache %} fragments of admin/cached_change_list.html, by the names it keeps them under.
_FRAGMENTS = {
    "rows": "admin-list-rows",
    "dates": "admin-list-dates",
    "filters": "admin-list-filters",
}


def _kept_fragments(key: str | None) -> dict[str, SafeString]:
    """The fragments already kept under `key`, read in one round trip, as `kept_rows`,
    `kept_dates` and `kept_filters`; the template draws (and keeps, with {% cache %}) the
    missing ones."""
    if key is None:
        return {}
    keys = {make_template_fragment_key(name, [key]): part for part, name in _FRAGMENTS.items()}
    found = cache.get_many(list(keys))
    return {f"kept_{keys[k]}": value for k, value in found.items() if isinstance(value, SafeString)}
