"""Every URL of the admin, and every action, crossed with the mentor and operations of cohort A,
the mentor of cohort B and a participant of A, on rows of both cohorts.

A model's row in POLICY says what the mentor and operations may do with it: v(iew), a(dd),
c(hange), d(elete), D (delete, but not the rows of the test). The statuses follow from it:
200 shown, 403 refused, 302 a row outside the visitor's cohorts (the admin answers as if it did
not exist: back to the index) or, for the participant, the admin's login page. A new model,
view or action missing here fails `test_every_admin_url_and_action_is_in_the_matrix`.
"""

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import URLResolver, reverse

from cohort.admin_scoping import scope_queryset
from tests.admin.conftest import PORTAL_APPS

VISITORS = ("mentor_a", "operations_a", "mentor_b", "participant_a")

# label: (what the mentor may do, what operations may do)
POLICY: dict[str, tuple[str, str]] = {
    "cohort.user": ("v", "v"),  # the members of one's cohorts, read-only: the autocomplete source
    "cohort.cohort": ("vc", ""),  # superusers create cohorts
    "cohort.membership": ("vc", ""),  # members join by invitation; the mentor changes roles
    "cohort.invitation": ("vacd", ""),
    "cohort.resourcesection": ("vacd", ""),
    "cohort.faqentry": ("vacd", ""),
    "cohort.announcement": ("vacd", ""),  # deleting removes the Slack post too (service)
    "cohort.slackmessage": ("v", ""),
    "cohort.notification": ("v", ""),
    "participants.profile": ("vc", ""),
    "participants.goalsanswer": ("vac", ""),  # reopened or closed, never deleted
    "participants.withdrawal": ("v", ""),  # reversed by the action, never deleted
    "participants.partnerentry": ("vacd", ""),  # deleted through the board's service
    "participants.pairingtopic": ("vacd", ""),  # deleted through the board's service
    "participants.taassignment": ("vacd", ""),
    "participants.helprequest": ("vac", ""),
    "sprints.sprintsettings": ("vc", ""),  # made with the cohort
    "sprints.ideacategory": ("vacd", ""),
    "sprints.idea": ("vacd", ""),
    "sprints.miniproject": ("vacd", ""),
    "sprints.pair": ("vc", ""),  # formed by invitation, dissolved by the action
    "sprints.problemsubmission": ("vc", ""),  # decided, never deleted
    "sprints.dateshiftrequest": ("vc", ""),
    # D: deletes allowed, but not of these rows: a booked slot stays (an empty one can go).
    "sprints.slot": ("vacD", ""),
    "sprints.booking": ("vc", ""),
    "sprints.selection": ("vac", ""),
    "events.event": ("vac", ""),  # cancelled, never deleted
    "events.recordingoptout": ("vacd", ""),
    "events.attendance": ("vacd", ""),
    "compute.claim": ("v", "v"),  # decided by the actions, through the services
    "compute.topuprequest": ("v", "v"),
    "compute.auditentry": ("v", "v"),
    "compute.computebudget": ("v", "v"),
}
# Models of the libraries (groups, allauth): superusers only.
LIBRARY_MODELS = {
    "auth.group",
    "account.emailaddress",
    "socialaccount.socialapp",
    "socialaccount.socialtoken",
    "socialaccount.socialaccount",
}
# Pages of the admin site itself and the portal's own admin pages, for each visitor.
SITE: dict[str, tuple[int, int, int, int]] = {
    "index": (200, 200, 200, 302),
    # Staff are sent on to the index; a participant is told they may not use the admin.
    "login": (302, 302, 302, 403),
    "logout": (405, 405, 405, 302),
    "password_change": (200, 200, 200, 302),
    "password_change_done": (200, 200, 200, 302),
    "jsi18n": (200, 200, 200, 302),
    "autocomplete": (200, 200, 200, 302),  # answers checked in test_scoping.py
    "auth_user_password_change": (403, 403, 403, 302),
    "view_on_site": (404, 404, 404, 302),  # no model of the portal has a get_absolute_url
    "cohort_invitation_bulk": (200, 302, 200, 302),
    "participants_taassignment_spread": (200, 302, 200, 302),
    "sprints_slot_publish": (200, 302, 200, 302),
    "app_list:cohort": (200, 200, 200, 302),
    "app_list:participants": (200, 404, 200, 302),
    "app_list:sprints": (200, 404, 200, 302),
    "app_list:events": (200, 404, 200, 302),
    "app_list:compute": (200, 200, 200, 302),
    "app_list:auth": (404, 404, 404, 302),
    "app_list:account": (404, 404, 404, 302),
    "app_list:socialaccount": (404, 404, 404, 302),
}
# Actions, by model: (mentor of A on A's rows, operations of A on A's rows). An action that
# answers with a page or a file is 200, one that acts and returns to the list 302.
ACTIONS: dict[str, dict[str, tuple[int, int]]] = {
    "cohort.announcement": {"send_again": (302, 403), "delete_selected": (200, 403)},
    "cohort.slackmessage": {"send_again": (302, 403)},
    "cohort.invitation": {"delete_selected": (200, 403), "resend": (302, 403)},
    "cohort.resourcesection": {"delete_selected": (200, 403)},
    "cohort.faqentry": {"delete_selected": (200, 403)},
    "participants.goalsanswer": {
        "reopen": (302, 403),
        "close_again": (302, 403),
        "export_csv": (200, 403),
    },
    "participants.withdrawal": {"reverse": (302, 403)},
    "participants.partnerentry": {"delete_selected": (200, 403)},
    "participants.pairingtopic": {"delete_selected": (200, 403)},
    "participants.taassignment": {"delete_selected": (200, 403)},
    "sprints.dateshiftrequest": {"approve": (302, 403), "decline": (302, 403)},
    "sprints.problemsubmission": {"approve": (302, 403), "send_back": (200, 403)},
    "sprints.pair": {
        "approve_problems": (302, 403),
        "send_back_problems": (200, 403),
        "export_csv": (200, 403),
        "dissolve_pairs": (302, 403),
    },
    "sprints.selection": {"export_csv": (200, 403)},
    "sprints.ideacategory": {"delete_selected": (200, 403)},
    "sprints.idea": {"delete_selected": (200, 403)},
    "sprints.miniproject": {"delete_selected": (200, 403)},
    "sprints.slot": {"delete_selected": (200, 403)},
    "events.event": {
        "duplicate_to_next_week": (302, 403),
        "sync_again": (302, 403),
        "cancel_events": (302, 403),
        "reactivate_events": (302, 403),
    },
    "events.recordingoptout": {"delete_selected": (200, 403)},
    "events.attendance": {"delete_selected": (200, 403)},
    "compute.claim": {
        "approve_in_full": (302, 302),
        "reject": (200, 200),
        "mark_paid": (302, 302),
        "export_csv": (200, 200),
    },
    "compute.topuprequest": {"approve_in_full": (302, 302)},
}
MODEL_VIEWS = ("changelist", "add", "change", "delete", "history")


def _admin_url_names() -> set[str]:
    names = set()

    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)
            elif pattern.name:
                names.add(pattern.name)

    walk(admin.site.get_urls())
    return names


def _model_label(model):
    return model._meta.label_lower


def test_every_admin_url_and_action_is_in_the_matrix():
    registered = {_model_label(m) for m in admin.site._registry}
    assert registered - POLICY.keys() - LIBRARY_MODELS == set(), "add these models to POLICY"
    assert POLICY.keys() - registered == set()
    model_urls = {
        f"{m._meta.app_label}_{m._meta.model_name}_{view}"
        for m in admin.site._registry
        for view in MODEL_VIEWS
    }
    site_names = {name.split(":")[0] for name in SITE}
    assert _admin_url_names() - model_urls - site_names == set(), "add these pages to SITE"
    app_lists = {f"app_list:{m._meta.app_label}" for m in admin.site._registry}
    assert app_lists - SITE.keys() == set()
    for model, model_admin in admin.site._registry.items():
        offered = {name for _f, name, _d in model_admin._get_base_actions()}
        if _model_label(model) in LIBRARY_MODELS:
            continue
        declared = set(ACTIONS.get(_model_label(model), {}))
        # delete_selected is offered exactly where the policy lets the mentor delete.
        if "d" in POLICY[_model_label(model)][0].lower():
            assert "delete_selected" in declared, model
        assert offered - {"delete_selected"} == declared - {"delete_selected"}, model


def _expected(perms: str, view: str, own: bool) -> int:
    may_open = "v" in perms or "c" in perms
    if view == "changelist":
        return 200 if may_open else 403
    if view == "add":
        return 200 if "a" in perms else 403
    if view == "change":
        if not may_open:
            return 403
        return 200 if own else 302
    if view == "history":
        # History looks the row up first: a row the visitor cannot see is "not found".
        return 200 if may_open and own else 302
    if view == "delete":
        if "D" in perms:
            return 403 if own else 302
        if "d" not in perms:
            return 403
        return 200 if own else 302
    raise AssertionError(view)


def _visitors(cohorts):
    a, b = cohorts
    return {
        "mentor_a": a.mentor,
        "operations_a": a.operations,
        "mentor_b": b.mentor,
        "participant_a": a.participants[0],
    }


def _row_of(records, model):
    row = records.rows.get(model)
    if row is None:
        if model._meta.label == "cohort.Cohort":
            return records.cohort
        if model._meta.label == "cohort.User":
            return records.participants[0]
        row = scope_queryset(model._default_manager.all(), [records.cohort.pk]).first()
    return row


def _cells(cohorts):
    """(cell name, url, {visitor: expected status})."""
    a, b = cohorts
    for model in sorted(admin.site._registry, key=_model_label):
        label = _model_label(model)
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        if label in LIBRARY_MODELS:
            for view in ("changelist", "add"):
                statuses = {**dict.fromkeys(VISITORS, 403), "participant_a": 302}
                yield f"{label} {view}", reverse(f"{prefix}_{view}"), statuses
            continue
        mentor, operations = POLICY[label]
        perms = {"mentor_a": mentor, "operations_a": operations, "mentor_b": mentor}
        for view in ("changelist", "add"):
            expected = {v: _expected(perms[v], view, True) for v in perms}
            yield f"{label} {view}", reverse(f"{prefix}_{view}"), {**expected, "participant_a": 302}
        for owner, records in (("A", a), ("B", b)):
            row = _row_of(records, model)
            for view in ("change", "delete", "history"):
                expected = {
                    v: _expected(perms[v], view, own=(v == "mentor_b") == (owner == "B"))
                    for v in perms
                }
                url = reverse(f"{prefix}_{view}", args=[row.pk])
                yield f"{label} {view} [{owner}]", url, {**expected, "participant_a": 302}
    for name, statuses in SITE.items():
        if name.startswith("app_list:"):
            url = reverse("admin:app_list", kwargs={"app_label": name.split(":")[1]})
        elif name == "view_on_site":
            url = reverse("admin:view_on_site", args=[1, a.cohort.pk])
        elif name == "auth_user_password_change":
            url = reverse(f"admin:{name}", args=[a.participants[0].pk])
        elif name == "autocomplete":
            url = reverse("admin:autocomplete") + (
                "?app_label=participants&model_name=taassignment&field_name=ta"
            )
        else:
            url = reverse(f"admin:{name}")
        yield name, url, dict(zip(VISITORS, statuses, strict=True))


def _snapshot_of_cohort(records):
    rows = {}
    for model in apps.get_models():
        if model._meta.app_label not in PORTAL_APPS:
            continue
        queryset = scope_queryset(model._default_manager.all(), [records.cohort.pk])
        rows[model._meta.label] = sorted(
            tuple(
                str(getattr(obj, f.attname))
                for f in model._meta.concrete_fields
                if f.name != "last_login"  # logging the visitor in sets it
            )
            for obj in queryset
        )
    return rows


def test_admin_permission_matrix(client, cohorts):
    seen, wanted, cells = {}, {}, 0
    visitors = _visitors(cohorts)
    for name, url, expected in _cells(cohorts):
        for visitor, status in expected.items():
            client.force_login(visitors[visitor])
            seen[(name, visitor)] = client.get(url).status_code
            wanted[(name, visitor)] = status
            cells += 1
    print(f"\nadmin matrix: {cells} page cells")
    for key in sorted(k for k in seen if wanted[k] != seen[k]):
        print("MISMATCH", key, "wanted", wanted[key], "seen", seen[key])
    assert {k: v for k, v in seen.items() if wanted[k] != v} == {}


def test_admin_action_matrix(client, cohorts):
    """Each action on A's rows, by each visitor; the mentor of B selecting A's rows acts on
    nothing: every row of A is as it was."""
    a, _b = cohorts
    visitors = _visitors(cohorts)
    seen, wanted, cells = {}, {}, 0
    for label, actions in sorted(ACTIONS.items()):
        model = apps.get_model(label)
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        row = _row_of(a, model)
        for action, (mentor, operations) in sorted(actions.items()):
            data = {"action": action, ACTION_CHECKBOX_NAME: [row.pk], "index": 0}
            for visitor, status in (
                ("participant_a", 302),
                ("operations_a", operations),
                # B's mentor runs the action on an empty selection: A's id is not in their list.
                ("mentor_b", mentor),
            ):
                before = _snapshot_of_cohort(a) if visitor != "operations_a" else None
                client.force_login(visitors[visitor])
                response = client.post(url, data)
                seen[(label, action, visitor)] = response.status_code
                wanted[(label, action, visitor)] = status
                if before is not None:
                    assert _snapshot_of_cohort(a) == before, (label, action, visitor)
                    assert a.tag not in response.content.decode("utf-8-sig"), (label, action)
                cells += 1
            client.force_login(visitors["mentor_a"])
            seen[(label, action, "mentor_a")] = client.post(url, data).status_code
            wanted[(label, action, "mentor_a")] = mentor
            cells += 1
    print(f"\nadmin matrix: {cells} action cells")
    assert {k: v for k, v in seen.items() if wanted[k] != v} == {}


@pytest.mark.parametrize("label", sorted(LIBRARY_MODELS))
def test_library_models_stay_with_superusers(client, cohorts, label):
    a, _b = cohorts
    model = apps.get_model(label)
    client.force_login(a.mentor)

    response = client.get(
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    )

    assert response.status_code == 403
