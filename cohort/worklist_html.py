"""The overview's work list rows and figure lists as HTML, built in one pass.

A template renders 150 rows of 8 to 10 cells, each with a link and its risk badges, through
about 5,000 nodes (two thirds of the page's time); the same markup joined here from escaped
text costs a fraction of it. The markup is what templates/cohort/overview.html had.
"""

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from cohort.worklist import EMPTY, Column, RiskRule, Row


def person_url_maker(cohort_slug: str):
    """The staff's person page of a user id, without a URL lookup per row."""
    head, _, tail = reverse("cohort:person", kwargs={"slug": cohort_slug, "user_id": 0}).rpartition(
        "/0/"
    )
    return lambda user_id: f"{head}/{int(user_id)}/{tail}"


def row_html_maker(columns: list[Column], risks: list[RiskRule], cohort_slug: str):
    """One row's markup, for rows shown in any order or filter (the columns are the list's)."""
    person_url = person_url_maker(cohort_slug)
    short = {r.key: escape(r.short) for r in risks}

    def row_html(row: Row) -> str:
        key, name = escape(row.key), escape(row.name)
        inactive = ' class="inactive"' if row.inactive else ""
        parts = [
            f'<tr id="row-{key}"{inactive}>'
            f'<td><input type="checkbox" name="person" value="{key}" id="pick-{key}" '
            f'aria-label="Select {name}"></td><th scope="row">'
        ]
        if row.user_id:
            parts.append(f'<a href="{person_url(row.user_id)}">{name}</a>')
        else:
            parts.append(name)
        if row.reminded_today:
            what = "reminded today" if row.user_id else "invitation resent today"
            parts.append(f'<br><span class="badge small">{what}</span>')
        parts.append("</th>")
        for column in columns:
            cell = row.cells.get(column.key, EMPTY)
            parts.append(f'<td class="cell-{escape(cell.state)}">{escape(cell.text)}</td>')
        badges = "".join(
            f'<span class="badge warn risk-{escape(k)}">{short.get(k, "")}</span> '
            for k in row.risks
        )
        parts.append(f'<td class="risk-cell">{badges or "—"}</td></tr>\n')
        return "".join(parts)

    return row_html


def people_html(people) -> SafeString:
    """A figure's people as list items."""
    return mark_safe("".join(f"<li>{escape(p)}</li>" for p in people))  # noqa: S308
