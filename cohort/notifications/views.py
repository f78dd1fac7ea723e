"""The pages of the Slack domain: each member's notification settings, and `/cohort`."""

from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from cohort.integrations.slack import verify_request
from cohort.notifications import command, preferences
from cohort.permissions import member_required


@member_required()
def notification_settings(request):
    """Each person's own switches: Slack direct messages, reminders, the daily events digest."""
    preference = preferences.notification_preference(cohort=request.cohort, user=request.user)
    form = preferences.NotificationPreferenceForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        preferences.update_notification_preference(
            membership=request.membership, **form.cleaned_data
        )
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
    ) or not command.first_use_of_signature(signature):
        return HttpResponse("Invalid or replayed request signature.", status=401)
    text = command.answer(
        slack_user_id=request.POST.get("user_id", ""), text=request.POST.get("text", "")
    )
    return JsonResponse({"response_type": "ephemeral", "text": text})
