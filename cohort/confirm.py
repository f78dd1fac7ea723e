"""A second step for destructive or final actions (dissolve a pair, withdraw, cancel a booking,
give up a slot, choose a problem): the first POST shows what will happen, and only the POST
from that page, carrying `confirmed=yes` and the same fields, acts. No script is needed."""

from django.http import HttpResponse
from django.shortcuts import render

CONFIRM_FIELD = "confirmed"
_NOT_REPOSTED = {"csrfmiddlewaretoken", CONFIRM_FIELD}


def is_confirmed(request) -> bool:
    return request.method == "POST" and request.POST.get(CONFIRM_FIELD) == "yes"


def ask_to_confirm(
    request,
    *,
    title: str,
    question: str,
    button: str,
    back_url: str,
    consequences: list[str] | tuple[str, ...] = (),
    danger: bool = True,
) -> HttpResponse:
    """The page asking for confirmation; its form posts the same fields back to the same URL."""
    fields = [
        (name, value)
        for name in request.POST
        if name not in _NOT_REPOSTED
        for value in request.POST.getlist(name)
    ]
    context = {
        "title": title,
        "question": question,
        "button": button,
        "back_url": back_url,
        "consequences": consequences,
        "fields": fields,
        "action": request.path,
        "danger": danger,
    }
    return render(request, "cohort/confirm.html", context)
