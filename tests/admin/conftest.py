from datetime import date, datetime

import pytest
from django.contrib import admin
from django.forms import ModelChoiceField, ModelMultipleChoiceField
from django.forms.widgets import CheckboxInput, SplitDateTimeWidget
from django.test import RequestFactory
from django.utils import timezone

from cohort.admin_scoping import cohort_of_row, members_of
from cohort.models import User
from tests.admin.records import build
from tests.factories.cohort import CohortFactory

PORTAL_APPS = {"cohort", "participants", "sprints", "events", "compute"}


@pytest.fixture
def cohorts(db, settings, tmp_path):
    """Cohort A ("Azz") and cohort B ("Bzz"), each with a row in every model of the admin."""
    settings.MEDIA_ROOT = tmp_path / "media"
    a = CohortFactory(slug="alpha", name="Azz Cohort")
    b = CohortFactory(slug="bravo", name="Bzz Cohort")
    return build(a, "Azz"), build(b, "Bzz")


def portal_admins():
    """(model, ModelAdmin) for every model of the portal registered in the admin."""
    return sorted(
        (
            (model, model_admin)
            for model, model_admin in admin.site._registry.items()
            if model._meta.app_label in PORTAL_APPS
        ),
        key=lambda item: item[0]._meta.label,
    )


def other_admins():
    return sorted(
        (model for model in admin.site._registry if model._meta.app_label not in PORTAL_APPS),
        key=lambda model: model._meta.label,
    )


def request_as(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def cohort_ids_of_choice(model, row) -> set:
    """The cohorts a choice belongs to (a person: every cohort they are a member of)."""
    if model is User:
        return set(row.memberships.values_list("cohort_id", flat=True))
    found = cohort_of_row(model, row.pk)
    return {found} if found is not None else {None}


def foreign_choices(form, cohort_id) -> list[str]:
    """Every choice of `form` (model choices) that lies outside the cohort `cohort_id`."""
    wrong = []
    for name, field in form.fields.items():
        if not isinstance(field, ModelChoiceField):
            continue
        model = field.queryset.model
        for row in field.queryset:
            if model is User:
                ok = members_of([cohort_id]).filter(pk=row.pk).exists()
            else:
                ok = cohort_ids_of_choice(model, row) == {cohort_id}
            if not ok:
                wrong.append(f"{form.__class__.__name__}.{name}: {row!r}")
    return wrong


def all_forms(response):
    """The admin form of a change or add page and every form of its inlines."""
    context = response.context
    forms = [context["adminform"].form]
    for inline in context["inline_admin_formsets"]:
        forms.extend(inline.formset.forms)
        forms.append(inline.formset.empty_form)
    return forms


def _put(data, key, field, widget, value):
    if value is None:
        return
    if isinstance(widget, CheckboxInput):
        if value:
            data[key] = "on"
        return
    if isinstance(field, ModelMultipleChoiceField):
        data[key] = [str(getattr(v, "pk", v)) for v in value]
        return
    if isinstance(widget, SplitDateTimeWidget):
        if isinstance(value, datetime):
            local = timezone.localtime(value)
            data[f"{key}_0"], data[f"{key}_1"] = (
                local.date().isoformat(),
                local.strftime("%H:%M:%S"),
            )
        elif isinstance(value, list):
            data[f"{key}_0"], data[f"{key}_1"] = value[0] or "", value[1] or ""
        return
    if isinstance(value, datetime):
        data[key] = timezone.localtime(value).isoformat()
    elif isinstance(value, date):
        data[key] = value.isoformat()
    else:
        data[key] = str(getattr(value, "pk", value))


def form_data(response, *, add_inline_rows=False) -> dict:
    """What the browser would post back for the page in `response`, unchanged; with
    `add_inline_rows`, one new row in every inline that accepts new rows."""
    context = response.context
    data = {}
    form = context["adminform"].form
    for name, field in form.fields.items():
        _put(data, form.add_prefix(name), field, field.widget, form[name].value())
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        for inline_form in formset.forms:
            for name, field in inline_form.fields.items():
                _put(
                    data,
                    inline_form.add_prefix(name),
                    field,
                    field.widget,
                    inline_form[name].value(),
                )
        if add_inline_rows and inline.has_add_permission:
            index = int(data[management.add_prefix("TOTAL_FORMS")])
            data[management.add_prefix("TOTAL_FORMS")] = str(index + 1)
            empty = formset.empty_form
            for name, field in empty.fields.items():
                key = empty.add_prefix(name).replace("__prefix__", str(index))
                _put(data, key, field, field.widget, empty[name].value())
    return data


def new_row_keys(response) -> list[str]:
    """Names of the fields of the new inline rows `form_data(add_inline_rows=True)` adds."""
    keys = []
    for inline in response.context["inline_admin_formsets"]:
        if not inline.has_add_permission:
            continue
        formset = inline.formset
        index = formset.total_form_count()
        for name in formset.empty_form.fields:
            keys.append(formset.empty_form.add_prefix(name).replace("__prefix__", str(index)))
    return keys
