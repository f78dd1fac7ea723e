"""The portal's admin site: Django's, with the sidebar's list of apps kept per set of rights.

Django builds that list on every admin page, asking every ModelAdmin for its permissions and
reversing two URLs per model (about a third of a changelist's time here). What it shows depends
only on who is asking: superuser or not, and which roles they hold in any cohort (every
`has_*_permission(request)` without an object is a function of those, see admin_scoping.py),
unless they were given Django permissions or groups directly: their list is built afresh.
So each process keeps one list per such set of rights; nothing in it can go stale, since the
rights are read afresh on every request (cohort/admin_rights.py, one query) and the list of
models is fixed when the process starts. The sidebar drawn from that list is kept the same way,
per set of rights and the entries the page's address marks as current.
"""

from functools import wraps
from urllib.parse import quote, urlencode

from django.contrib import admin, messages
from django.shortcuts import redirect
from django.utils.translation import get_language

from cohort import admin_rights
from cohort.validation import has_control_characters

# A list's filters, search and ordering come from the address: PostgreSQL cannot compare a NUL.
UNUSABLE_PARAMETERS = (
    "Part of the address held characters that cannot be searched for (control characters); "
    "the list is shown without it."
)


class PortalAdminSite(admin.AdminSite):
    # Rights seen by this process: a handful of role combinations, each a small list.
    MAX_KEPT = 64

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._app_lists: dict[tuple, list] = {}
        self._sidebars: dict[tuple, str] = {}

    @staticmethod
    def rights_of(request) -> tuple | None:
        """What the sidebar depends on, or None when it cannot be kept: a person given Django
        permissions or groups directly (the unscoped admins of allauth and auth read those)."""
        user = request.user
        if not (user.is_authenticated and user.is_active and user.is_staff):
            return (False, False, frozenset())
        if user.is_superuser:
            return (True, True, frozenset())
        rights = admin_rights.rights_of(request)
        if rights.direct:
            return None
        return (True, False, rights.roles)

    def admin_view(self, view, cacheable=False):
        """Every admin page; one whose address carries control characters in a parameter is
        shown again without those parameters, with a message, instead of failing in the
        database."""
        inner = super().admin_view(view, cacheable)

        @wraps(inner)
        def guarded(request, *args, **kwargs):
            pairs = [(key, value) for key, values in request.GET.lists() for value in values]
            bad = {k for k, v in pairs if has_control_characters(k) or has_control_characters(v)}
            if request.method != "GET" or not bad:
                return inner(request, *args, **kwargs)
            messages.warning(request, UNUSABLE_PARAMETERS)
            kept = urlencode([(k, v) for k, v in pairs if k not in bad])
            return redirect(request.path + (f"?{kept}" if kept else ""))

        return guarded

    def get_app_list(self, request, app_label=None):
        rights = self.rights_of(request)
        if rights is None:
            return super().get_app_list(request, app_label)
        key = (app_label, *rights)
        found = self._app_lists.get(key)
        if found is None:
            found = super().get_app_list(request, app_label)
            if len(self._app_lists) >= self.MAX_KEPT:
                self._app_lists.clear()
            self._app_lists[key] = found
        return found

    def sidebar_html(self, context) -> str:
        """The sidebar, rendered once per set of rights, language and the entries that the
        address marks as current (what admin/app_list.html tests `request.path` for)."""
        request = context["request"]
        rights = self.rights_of(request)
        template = context.template.engine.get_template("admin/nav_sidebar.html")
        if rights is None:
            return template.render(context)
        path = quote(request.path)
        current = tuple(
            url
            for app in context.get("available_apps", ())
            for url in (app["app_url"], *(model.get("admin_url") for model in app["models"]))
            if url and url in path
        )
        key = (*rights, get_language(), current)
        found = self._sidebars.get(key)
        if found is None:
            found = template.render(context)  # a SafeString
            if len(self._sidebars) >= self.MAX_KEPT:
                self._sidebars.clear()
            self._sidebars[key] = found
        return found
