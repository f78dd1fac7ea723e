from functools import lru_cache

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from cohort import (
    people,
    personal_data,
    queries,
    reminding,
    services,
    timeline,
    worklist,
    worklist_html,
)
from cohort.forms import CloseCohortForm, RemindForm
from cohort.models import Invitation, Membership, Notification, Role
from cohort.overview import overview_sections
from cohort.permissions import member_required
from cohort.todo import kept_todo_items
from cohort.validation import has_control_characters, path_token, query_int

LATEST_ANNOUNCEMENTS = 3


@login_required
def landing(request):
    """After login: one cohort goes straight to its home, several are offered to choose from."""
    memberships = list(queries.memberships_of(request.user))
    if len(memberships) == 1:
        return redirect(memberships[0].cohort)
    return render(request, "cohort/landing.html", {"memberships": memberships})


def accept_invitation(request, token):
    """The link in an invitation e-mail: it proves the address, so sign-up needs no second mail."""
    if path_token(token) is None:
        raise Http404("No such invitation.")
    invitation = get_object_or_404(Invitation.objects.select_related("cohort"), token=token)
    if request.user.is_authenticated:
        if request.user.email == invitation.email:
            services.accept_pending_invitations(user=request.user, email=invitation.email)
            return redirect(invitation.cohort)
        messages.warning(
            request,
            f"This invitation is for {invitation.email}. Log out first to accept it with that "
            "address.",
        )
        return redirect("cohort:landing")
    if invitation.is_accepted:
        messages.info(request, "This invitation has been accepted already: please log in.")
        return redirect(f"{reverse('account_login')}?email={invitation.email}")
    services.release_unverified_address(email=invitation.email)
    get_adapter(request).stash_verified_email(request, invitation.email)
    request.session["invited_email"] = invitation.email
    return render(request, "cohort/accept_invitation.html", {"invitation": invitation})


@member_required()
def home(request):
    cohort, membership = request.cohort, request.membership
    now = timezone.now()
    # Their Slack state (the manager's prefetch) is not shown here.
    announcements = list(
        queries.published_announcements(cohort).prefetch_related(None)[:LATEST_ANNOUNCEMENTS]
    )
    context = {
        "phase": timeline.current_phase(cohort, now),
        "next_milestone": timeline.next_milestone(cohort, now),
        "milestones": timeline.milestones(cohort),
        "now": now,
        "todo": kept_todo_items(membership),
        "announcements": announcements,
        # Names everything the section shows but the bodies, whose edits move `updated_at`.
        "announcements_key": [
            (a.pk, a.updated_at.isoformat(), a.author.display_name if a.author else "")
            for a in announcements
        ],
        "notifications": list(queries.unread_notifications(membership)),
    }
    return render(request, "cohort/home.html", context)


@member_required()
@require_POST
def dismiss_notification(request, pk):
    notification = get_object_or_404(Notification, pk=pk, cohort=request.cohort, user=request.user)
    services.dismiss_notification(notification=notification)
    if request.headers.get("HX-Request"):
        return HttpResponse("")
    return redirect("cohort:home", slug=request.cohort.slug)


# Announcements per page: a long round stays one quick page, newest first.
ANNOUNCEMENTS_PAGE_SIZE = 25


@member_required()
def announcements(request):
    page = Paginator(queries.announcements_to_read(request.cohort), ANNOUNCEMENTS_PAGE_SIZE)
    page = page.get_page(query_int(request, "page", default=1))
    return render(request, "cohort/announcements.html", {"announcements": page, "page": page})


@member_required()
def announcement_detail(request, pk):
    announcement = get_object_or_404(queries.announcements_to_read(request.cohort), pk=pk)
    return render(request, "cohort/announcement_detail.html", {"announcement": announcement})


@member_required()
def resources(request):
    sections = queries.resource_sections(request.cohort)
    return render(request, "cohort/resources.html", {"sections": sections})


@member_required()
def faq(request):
    return render(request, "cohort/faq.html", {"entries": queries.faq_entries(request.cohort)})


def _work_list_filters(request, work_list) -> dict:
    """The work list's filters from the query string; unknown values are ignored."""
    columns = {c.key for c in work_list.columns}
    risk = request.GET.get("risk", "")
    missing = request.GET.get("missing", "")
    sort = request.GET.get("sort", "name")
    return {
        "risk": risk if work_list.risk(risk) else "",
        "missing": missing if missing in columns else "",
        "query": request.GET.get("q", "").replace("\x00", "").strip()[:100],
        "sort": sort if sort in columns | {"name"} else "name",
        "descending": request.GET.get("dir") == "desc",
    }


def _filtered(request, work_list):
    chosen = _work_list_filters(request, work_list)
    rows = worklist.filter_rows(
        work_list, risk=chosen["risk"], missing=chosen["missing"], query=chosen["query"]
    )
    return chosen, worklist.sort_rows(rows, chosen["sort"], chosen["descending"])


@member_required("view_overview")
def overview(request):
    cohort = request.cohort
    work_list = worklist.build_work_list(cohort)
    chosen, rows = _filtered(request, work_list)
    reminded = reminding.reminded_today(cohort, work_list.now)
    # A column nobody has anything in (e.g. "Withdrawn" in most cohorts) only takes room.
    columns = [c for c in work_list.columns if any(c.key in r.cells for r in work_list.rows)]
    for row in rows:
        row.reminded_today = reminded.get(row.key)
    sections = overview_sections(cohort)
    for section in sections:
        for figure in section.rows:
            figure.people_html = worklist_html.people_html(figure.people)
    context = {
        "work_list": work_list,
        "columns": columns,
        "rows": rows,
        "rows_html": worklist_html.rows_html(rows, columns, work_list.risks, cohort.slug),
        "chosen": chosen,
        "sections": sections,
        "filtered": bool(chosen["risk"] or chosen["missing"] or chosen["query"]),
    }
    return render(request, "cohort/overview.html", context)


@member_required("view_overview")
def overview_csv(request):
    cohort = request.cohort
    work_list = worklist.build_work_list(cohort)
    _chosen, rows = _filtered(request, work_list)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime(work_list.now, cohort.tzinfo).strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="{cohort.slug}-work-list-{stamp}.csv"'
    worklist.write_csv(response, work_list, rows)
    return response


@member_required("view_overview")
@require_POST
def remind(request):
    cohort = request.cohort
    work_list = worklist.build_work_list(cohort)
    form = RemindForm(request.POST, keys=[row.key for row in work_list.rows])
    back = request.POST.get("next", "")
    # Only a path of this site (never another host, nor control characters).
    if (
        not back.startswith("/")
        or has_control_characters(back)
        or not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()})
    ):
        back = ""
    back = back or reverse("cohort:overview", kwargs={"slug": cohort.slug})
    if not form.is_valid():
        for error in form.errors.get("person", []):
            messages.error(request, error)
        return redirect(back)
    people = reminding.remind_people(cohort=cohort, user_ids=form.user_ids(), by=request.user)
    invitations = reminding.resend_invitations(
        cohort=cohort, invitation_ids=form.invitation_ids(), by=request.user
    )
    if people.sent or people.already_today:
        (messages.success if people.sent else messages.warning)(request, people.summary)
    if invitations.sent:
        messages.success(
            request,
            f"Invitation sent again to {len(invitations.sent)}: {', '.join(invitations.sent)}.",
        )
    if invitations.already_today:
        messages.warning(
            request,
            "Invitation already sent again today, not sent twice: "
            f"{', '.join(invitations.already_today)}.",
        )
    return redirect(back)


@member_required("help_participants")
def person(request, user_id):
    cohort, viewer = request.cohort, request.membership
    target = get_object_or_404(
        Membership.objects.select_related("user", "cohort"),
        cohort=cohort,
        user_id=user_id,
        role=Role.PARTICIPANT,
    )
    if not people.may_view_person(viewer, target.user_id):
        raise PermissionDenied("This person is not one of yours.")
    now = timezone.now()
    context = {
        "person": target,
        "sections": people.person_sections(viewer, target, now),
        "can_remind": viewer.can("view_overview"),
        "reminded_today": reminding.reminded_today(cohort, now).get(f"u{target.user_id}"),
        "reminders": target.user.personal_reminders.filter(cohort=cohort).select_related("sent_by")[
            :10
        ]
        if viewer.can("view_overview")
        else [],
    }
    return render(request, "cohort/person.html", context)


@lru_cache(maxsize=1)
def _health_redis(url: str):
    """One client per process for /healthz: its pool keeps the connection between checks, and
    after Redis restarts the next ping opens a new one (retried once, then reported)."""
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    return redis.Redis.from_url(
        url, socket_timeout=2, socket_connect_timeout=2, retry=Retry(NoBackoff(), 1)
    )


@require_GET
@never_cache
def healthz(request):
    """Liveness for load balancers: the database and, when configured, Redis."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:
        checks["database"] = f"error: {exc.__class__.__name__}"
    if settings.REDIS_URL:
        try:
            _health_redis(settings.REDIS_URL).ping()
            checks["redis"] = "ok"
        except Exception as exc:
            checks["redis"] = f"error: {exc.__class__.__name__}"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )


@member_required()
@never_cache
def my_data(request):
    """Everything the portal holds about the person asking: a zip of JSON and their files."""
    archive = personal_data.write_export(request.user)
    stamp = timezone.localdate().isoformat()
    response = FileResponse(
        archive,
        as_attachment=True,
        filename=f"my-data-{stamp}.zip",
        content_type="application/zip",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@member_required("close_cohort")
def close_cohort(request):
    """The mentor closes the cohort and sets when its personal data is deleted."""
    cohort = request.cohort
    form = CloseCohortForm(request.POST or None, initial={"delete_on": cohort.personal_data_due})
    if request.method == "POST" and not cohort.is_closed and form.is_valid():
        try:
            personal_data.close_cohort(
                cohort=cohort, actor=request.user, delete_on=form.cleaned_data["delete_on"]
            )
        except ValidationError as exc:
            form.add_error("delete_on", exc)
        else:
            messages.success(request, f"{cohort.name} is closed.")
            return redirect("cohort:close", slug=cohort.slug)
    context = {
        "form": form,
        "records": cohort.retention_records.all(),
        "status": 422 if request.method == "POST" else 200,
    }
    return render(request, "cohort/close.html", context, status=context["status"])
