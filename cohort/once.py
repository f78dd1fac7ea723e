"""A form submitted twice does one thing.

Each create form carries a one-time token (`{% once_token %}` next to `{% csrf_token %}`); a view
decorated with `@submit_once` runs inside `run_once`, which first inserts the token (unique in
the database). The second request with the same token lands on the page the first one was sent
to, and does nothing else. A refused form (no redirect) gives its token back, so the person can
correct it and submit again.
"""

import uuid
from functools import wraps

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.shortcuts import redirect

from cohort.models import SubmittedForm

FIELD = "once_token"
ALREADY_DONE = "This was sent already (the form was submitted twice); nothing was done twice."


class _Refused(Exception):
    def __init__(self, response):
        self.response = response


def token_of(request) -> uuid.UUID | None:
    value = request.POST.get(FIELD, "")
    try:
        return uuid.UUID(value) if len(value) <= 36 else None
    except ValueError:
        return None


def run_once(*, request, token: uuid.UUID, respond):
    """Run `respond()` (the view) once per token; inserts a SubmittedForm row when it succeeds."""
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    row = SubmittedForm.objects.create(token=token, user=request.user)
            except IntegrityError:
                row = None
            if row is not None:
                response = respond()
                if response.status_code not in (301, 302, 303):
                    raise _Refused(response)
                row.result_url = response["Location"][:500]
                row.save(update_fields=["result_url"])
                return response
    except _Refused as refused:
        return refused.response
    first = SubmittedForm.objects.filter(token=token, user=request.user).first()
    if first is None or not first.result_url:
        return respond()
    messages.info(request, ALREADY_DONE)
    return redirect(first.result_url)


def submit_once(view):
    """Decorate a view whose POST creates something (below member_required)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        token = token_of(request) if request.method == "POST" else None
        if token is None or not request.user.is_authenticated:
            return view(request, *args, **kwargs)
        return run_once(
            request=request, token=token, respond=lambda: view(request, *args, **kwargs)
        )

    return wrapped
