"""The admin's one scoping mechanism: a staff member of cohorts S sees, chooses and writes only
rows of S.

Every ModelAdmin and inline of the portal inherits `CohortScopedMixin` (through
`CohortScopedAdmin`, `ScopedTabularInline` or `ScopedStackedInline`), which:

- limits every queryset (changelist, change, delete, history) to rows whose path to their
  cohort ends in S; the path is found by walking the model's foreign keys, or named with
  `cohort_path`;
- limits every foreign-key and many-to-many choice to rows of S, and people to members of S
  (with `user_roles` naming the roles a field accepts, e.g. only TAs for a pair's TA), in forms,
  inlines and autocomplete answers alike;
- shows list-filter choices drawn only from the rows the person may see;
- checks the saved row itself: every foreign key of the row must lead to the row's own cohort
  (or, for a person, to a member of it); otherwise the form is refused with a message;
- answers has_*_permission from the role table in `cohort/permissions.py`: `admin_capability`
  names the capability whose roles manage these records. Inlines follow their parent's answer.

Superusers see and change everything.
"""

from collections import deque

from django.contrib import admin
from django.contrib.admin.filters import RelatedOnlyFieldListFilter
from django.contrib.admin.utils import get_fields_from_path
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from cohort.admin_rights import rights_of
from cohort.models import Cohort, Membership, Role, User
from cohort.permissions import CAPABILITIES

ALL_ROLES = frozenset(Role)

# (model label, field name) -> the roles a person chosen in that field must hold in the cohort.
# Filled by every scoped admin and inline; read by the User admin's autocomplete answers.
USER_FIELD_ROLES: dict[tuple[str, str], frozenset[str]] = {}

_PATHS: dict[type, str | None] = {}


def cohort_path_for(model) -> str | None:
    """The shortest chain of foreign keys from `model` to its cohort ("pk" for Cohort itself),
    or None for records that belong to no cohort (people, groups)."""
    if model is Cohort:
        return "pk"
    if model in _PATHS:
        return _PATHS[model]
    seen, queue, found = {model}, deque([(model, "")]), None
    while queue and found is None:
        current, prefix = queue.popleft()
        for field in current._meta.concrete_fields:
            if not field.many_to_one and not field.one_to_one:
                continue
            target = field.related_model
            if target is Cohort:
                found = f"{prefix}{field.name}"
                break
            if target is User or target in seen:
                continue
            seen.add(target)
            queue.append((target, f"{prefix}{field.name}__"))
    _PATHS[model] = found
    return found


def members_of(cohort_ids, roles=ALL_ROLES):
    """People holding one of `roles` in one of the cohorts."""
    return User.objects.filter(
        pk__in=Membership.objects.filter(cohort__in=cohort_ids, role__in=roles).values("user")
    )


def scope_queryset(queryset, cohort_ids, path=None):
    """`queryset` cut down to rows of the cohorts `cohort_ids`."""
    model = queryset.model
    if model is User:
        return queryset.filter(pk__in=members_of(cohort_ids).values("pk"))
    path = path or cohort_path_for(model)
    if path is None:
        return queryset.none()
    return queryset.filter(**{f"{path}__in": cohort_ids})


def cohort_of_row(model, pk, path=None):
    """The cohort id of the row `pk` of `model`, or None if it has none."""
    if model is Cohort:
        return pk
    path = path or cohort_path_for(model)
    if path is None or pk is None:
        return None
    return model._default_manager.filter(pk=pk).values_list(path, flat=True).first()


def cohort_of_instance(instance, path=None):
    """The cohort id an (unsaved) instance would belong to, following its foreign keys."""
    path = path or cohort_path_for(type(instance))
    if path is None:
        return None
    if path == "pk":
        return instance.pk
    first, _, rest = path.partition("__")
    field = instance._meta.get_field(first)
    value = getattr(instance, field.attname)
    if value is None:
        return None
    if not rest:
        return value
    return cohort_of_row(field.related_model, value, rest)


def row_problems(instance, cohort_ids, *, path=None, many=None) -> list[str]:
    """Why saving `instance` would touch a cohort outside `cohort_ids` (empty when it would not).
    `many` maps many-to-many field names to the rows chosen for them."""
    own = cohort_of_instance(instance, path)
    if own is not None and own not in cohort_ids:
        return ["This record belongs to a cohort you do not manage."]
    problems = []
    allowed = {own} if own is not None else set(cohort_ids)
    related = [
        (field, [getattr(instance, field.attname)])
        for field in instance._meta.concrete_fields
        if (field.many_to_one or field.one_to_one) and getattr(instance, field.attname) is not None
    ]
    for name, rows in (many or {}).items():
        related.append((instance._meta.get_field(name), [row.pk for row in rows]))
    for field, pks in related:
        target = field.related_model
        if target is User:
            members = set(members_of(allowed).filter(pk__in=pks).values_list("pk", flat=True))
            if set(pks) - members:
                problems.append(f"{_label(field)}: choose a member of this cohort.")
            continue
        if cohort_path_for(target) is None:
            continue
        if any(cohort_of_row(target, pk) not in allowed for pk in pks):
            problems.append(f"{_label(field)}: choose one of this cohort's records.")
    return problems


def _label(field) -> str:
    return str(field.verbose_name).capitalize()


def _with_row_check(form_class, cohort_ids, path):
    """`form_class`, refusing a row that `row_problems` finds fault with."""

    def _post_clean(self):
        super(checked, self)._post_clean()
        many = {
            field.name: self.cleaned_data[field.name]
            for field in self.instance._meta.many_to_many
            if self.cleaned_data.get(field.name) is not None and field.name in self.fields
        }
        for problem in row_problems(self.instance, cohort_ids, path=path, many=many):
            self.add_error(None, problem)

    checked = type(form_class.__name__, (form_class,), {"_post_clean": _post_clean})
    return checked


def _with_scoped_ids(formset_class):
    """`formset_class`, whose hidden row ids accept only the rows the formset shows (Django
    offers every row of the table there)."""

    def add_fields(self, form, index):
        super(scoped, self).add_fields(form, index)
        field = form.fields.get(self._pk_field.name)
        if field is not None and hasattr(field, "queryset"):
            field.queryset = self.get_queryset()

    scoped = type(formset_class.__name__, (formset_class,), {"add_fields": add_fields})
    return scoped


class CohortScopedMixin:
    """Shared by scoped ModelAdmins and inlines; see the module's docstring."""

    # The capability in cohort.permissions.CAPABILITIES whose roles manage these records.
    admin_capability = "manage_cohort"
    # The chain of foreign keys to the cohort; found by walking the model when None.
    cohort_path: str | None = None
    # Person fields that accept only some roles of the cohort, e.g. {"ta": {Role.TA}}.
    user_roles: dict[str, frozenset[str]] = {}
    # Links typed without a scheme are https (Django 6's default, chosen now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if getattr(cls, "model", None) is not None:
            cls._register_user_roles(cls.model)

    @classmethod
    def _register_user_roles(cls, model):
        for name, roles in cls.user_roles.items():
            USER_FIELD_ROLES[(model._meta.label_lower, name)] = frozenset(roles)

    # --- who, which cohorts -------------------------------------------------------------

    def admin_roles(self) -> frozenset[str]:
        return CAPABILITIES[self.admin_capability]

    def managed_cohort_ids(self, request) -> set[int]:
        """Cohorts in which the person holds a role that manages these records."""
        user = request.user
        if not user.is_authenticated or not user.is_active or not user.is_staff:
            return set()
        return rights_of(request).cohorts_with(self.admin_roles())

    def scoped_path(self) -> str | None:
        return self.cohort_path or cohort_path_for(self.model)

    def cohort_id_of(self, obj):
        return cohort_of_instance(obj, self.scoped_path())

    def may_manage(self, request, obj=None) -> bool:
        if request.user.is_active and request.user.is_superuser:
            return True
        ids = self.managed_cohort_ids(request)
        if obj is None:
            return bool(ids)
        return self.cohort_id_of(obj) in ids

    # --- choices ---------------------------------------------------------------------------

    def choices_for(self, request, db_field, queryset):
        """The rows `db_field` may point at, for this person."""
        if request.user.is_superuser:
            return queryset
        ids = self.managed_cohort_ids(request)
        if db_field.related_model is User:
            roles = self.user_roles.get(db_field.name, ALL_ROLES)
            return queryset.filter(pk__in=members_of(ids, roles).values("pk"))
        return scope_queryset(queryset, ids)

    def _base_queryset(self, db_field, request):
        ordered = self.get_field_queryset(None, db_field, request)
        if ordered is None:
            ordered = db_field.remote_field.model._default_manager.all()
        return ordered

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        queryset = kwargs.get("queryset")
        if queryset is None:
            queryset = self._base_queryset(db_field, request)
        kwargs["queryset"] = self.choices_for(request, db_field, queryset)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        queryset = kwargs.get("queryset")
        if queryset is None:
            queryset = self._base_queryset(db_field, request)
        kwargs["queryset"] = self.choices_for(request, db_field, queryset)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def scoped_form(self, request, form_class):
        if request.user.is_superuser:
            return form_class
        return _with_row_check(form_class, self.managed_cohort_ids(request), self.scoped_path())


class CohortScopedAdmin(CohortScopedMixin, admin.ModelAdmin):
    """A ModelAdmin for records of a cohort; see `cohort.admin_scoping`."""

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        self._register_user_roles(model)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return scope_queryset(queryset, self.managed_cohort_ids(request), self.scoped_path())

    def get_form(self, request, obj=None, change=False, **kwargs):
        return self.scoped_form(request, super().get_form(request, obj, change, **kwargs))

    def get_changelist_formset(self, request, **kwargs):
        formset = _with_scoped_ids(super().get_changelist_formset(request, **kwargs))
        formset.form = self.scoped_form(request, formset.form)
        return formset

    def _one_cohort(self, request) -> bool:
        return not request.user.is_superuser and len(self.managed_cohort_ids(request)) == 1

    def get_list_filter(self, request):
        items = [scoped_list_filter(self.model, item) for item in super().get_list_filter(request)]
        if self._one_cohort(request):
            # A filter with one choice only takes room.
            items = [i for i in items if _filter_path(i).split("__")[-1] != "cohort"]
        return items

    def get_list_display(self, request):
        columns = super().get_list_display(request)
        if self._one_cohort(request):
            columns = [c for c in columns if c != "cohort"]
        return columns

    def has_module_permission(self, request):
        return self.may_manage(request)

    def has_view_permission(self, request, obj=None):
        return self.may_manage(request, obj)

    def has_add_permission(self, request):
        return self.may_manage(request)

    def has_change_permission(self, request, obj=None):
        return self.may_manage(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.may_manage(request, obj)


def _filter_path(item) -> str:
    return item[0] if isinstance(item, tuple) else item if isinstance(item, str) else ""


def scoped_list_filter(model, item):
    """A relation filter lists only the related rows the visible rows point at."""
    if not isinstance(item, str):
        return item
    try:
        field = get_fields_from_path(model, item)[-1]
    except (FieldDoesNotExist, admin.utils.NotRelationField):
        return item
    if isinstance(field, models.Field) and field.is_relation:
        return (item, RelatedOnlyFieldListFilter)
    return item


class _ScopedInlineMixin(CohortScopedMixin):
    """An inline is shown and editable exactly when its parent record is (its own model
    permissions are not consulted); its forms are checked like the parent's."""

    def _parent_admin(self):
        return self.admin_site._registry[self.parent_model]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return scope_queryset(queryset, self.managed_cohort_ids(request), self.scoped_path())

    def admin_roles(self) -> frozenset[str]:
        return self._parent_admin().admin_roles()

    def get_formset(self, request, obj=None, **kwargs):
        formset = _with_scoped_ids(super().get_formset(request, obj, **kwargs))
        formset.form = self.scoped_form(request, formset.form)
        return formset

    def has_view_permission(self, request, obj=None):
        return self._parent_admin().has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._parent_admin().has_change_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._parent_admin().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._parent_admin().has_change_permission(request, obj)


class ScopedTabularInline(_ScopedInlineMixin, admin.TabularInline):
    pass


class ScopedStackedInline(_ScopedInlineMixin, admin.StackedInline):
    pass


class ReadOnlyInlineMixin:
    """An inline that only shows its rows (history, members, bookings)."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
