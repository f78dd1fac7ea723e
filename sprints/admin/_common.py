"""What the sprint admins share: their base class and the approve / send-back steps."""

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse

from cohort.admin import CohortScopedAdmin
from sprints import services
from sprints.services import SprintError


class SprintsAdmin(CohortScopedAdmin):
    admin_capability = "manage_sprints"


class SendBackForm(forms.Form):
    comment = forms.CharField(
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The pair sees this on its sprint page.",
    )


def send_back_with_comment(model_admin, request, submissions):
    """Ask for a comment, then send every selected pending proposal back with it."""
    form = SendBackForm(request.POST if "apply" in request.POST else None)
    if form.is_bound and form.is_valid():
        done = 0
        for submission in submissions:
            try:
                services.decide_problem(
                    submission=submission,
                    approve=False,
                    comment=form.cleaned_data["comment"],
                    by=request.user,
                )
                done += 1
            except SprintError as exc:
                model_admin.message_user(request, str(exc), messages.WARNING)
        model_admin.message_user(request, f"{done} proposal(s) sent back.", messages.SUCCESS)
        return None
    return TemplateResponse(
        request,
        "admin/sprints/send_back.html",
        {
            **model_admin.admin_site.each_context(request),
            "title": "Send proposals back",
            "form": form,
            "submissions": submissions,
            "ids": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
            "action": request.POST.get("action"),
            "opts": model_admin.model._meta,
        },
    )


def approve_all(model_admin, request, submissions):
    done = 0
    for submission in submissions:
        try:
            services.decide_problem(submission=submission, approve=True, by=request.user)
            done += 1
        except SprintError as exc:
            model_admin.message_user(request, str(exc), messages.WARNING)
    model_admin.message_user(request, f"{done} problem(s) approved.", messages.SUCCESS)
