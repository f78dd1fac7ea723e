from allauth.account.adapter import get_adapter
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from cohort import queries, services, slack_command, timeline
from cohort.forms import NotificationPreferenceForm
from cohort.integrations.slack import verify_request
from cohort.models import Invitation, Notification
from cohort.overview import overview_sections
from cohort.permissions import member_required
from cohort.todo import todo_items
from cohort.validation import path_token

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
    context = {
        "phase": timeline.current_phase(cohort, now),
        "next_milestone": timeline.next_milestone(cohort, now),
        "milestones": timeline.milestones(cohort),
        "now": now,
        "todo": todo_items(membership, now),
        "announcements": list(queries.published_announcements(cohort)[:LATEST_ANNOUNCEMENTS]),
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


@member_required()
def announcements(request):
    items = queries.published_announcements(request.cohort)
    return render(request, "cohort/announcements.html", {"announcements": items})


@member_required()
def announcement_detail(request, pk):
    announcement = get_object_or_404(queries.published_announcements(request.cohort), pk=pk)
    return render(request, "cohort/announcement_detail.html", {"announcement": announcement})


@member_required()
def resources(request):
    sections = queries.resource_sections(request.cohort)
    return render(request, "cohort/resources.html", {"sections": sections})


@member_required()
def faq(request):
    return render(request, "cohort/faq.html", {"entries": queries.faq_entries(request.cohort)})


@member_required("view_overview")
def overview(request):
    return render(request, "cohort/overview.html", {"sections": overview_sections(request.cohort)})


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
            import redis

            redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2).ping()
            checks["redis"] = "ok"
        except Exception as exc:
            checks["redis"] = f"error: {exc.__class__.__name__}"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )


@member_required()
def notification_settings(request):
    """Each person's own switches: Slack direct messages, reminders, the daily events digest."""
    preference = queries.notification_preference(cohort=request.cohort, user=request.user)
    form = NotificationPreferenceForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        services.update_notification_preference(membership=request.membership, **form.cleaned_data)
        messages.success(request, "Your notification settings are saved.")
        return redirect("cohort:notification_settings", slug=request.cohort.slug)
    return render(request, "cohort/notification_settings.html", {"form": form})


@csrf_exempt  # Slack cannot send our CSRF token; the request is signed instead
@require_POST
def slack_command_view(request):
    """`/cohort` from Slack: public, but only signed, fresh and first-seen requests are answered."""
    signature = request.headers.get("X-Slack-Signature")
    if not verify_request(
        body=request.body,
        timestamp=request.headers.get("X-Slack-Request-Timestamp"),
        signature=signature,
    ) or not slack_command.first_use_of_signature(signature):
        return HttpResponse("Invalid or replayed request signature.", status=401)
    text = slack_command.answer(
        slack_user_id=request.POST.get("user_id", ""), text=request.POST.get("text", "")
    )
    return JsonResponse({"response_type": "ephemeral", "text": text})
