import mimetypes
from urllib.parse import quote, urlencode

from django.conf import settings
from django.contrib import messages
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_POST

from cohort import fragments
from cohort.models import Role
from cohort.once import submit_once
from cohort.permissions import member_required
from cohort.validation import query_choice, query_text
from participants import queries, services, slides, thumbnails
from participants.forms import (
    GoalsForm,
    IntroductionForm,
    ProfileForm,
    WithdrawalForm,
)
from participants.models import (
    GoalsAnswer,
    Profile,
    Withdrawal,
)
from participants.views._common import _url

# --- People: gallery, slideshow, introductions, photos ---------------------------------------


def _gallery_filters(request) -> dict:
    return {
        "interest": query_text(request, "interest", max_length=40).lower(),
        "role": query_choice(request, "role", Role.values),
        "tz": query_text(request, "tz", max_length=64),
    }


# How long a rendered gallery or slideshow is kept (a change of anyone's slide renews it).
GALLERY_CACHE_SECONDS = 86400


def _cache_seconds(filters: dict, options) -> int:
    """Only filters the cohort's own tags and zones can produce are cached: free text in the
    query string must not be able to fill the cache with one entry per request."""
    if filters["interest"] and filters["interest"] not in options["interests"]:
        return 0
    if filters["tz"] and filters["tz"] not in options["timezones"]:
        return 0
    return GALLERY_CACHE_SECONDS


@member_required()
def people(request):
    filters = _gallery_filters(request)
    cohort = request.cohort
    options = SimpleLazyObject(lambda: queries.gallery_filter_options(cohort))
    context = {
        # Lazy: read only when the cached fragment of these filters has to be rendered again.
        "slides": SimpleLazyObject(lambda: slides.gallery(cohort, **filters)),
        "options": options,
        "filters": filters,
        "gen": fragments.generations(cohort.pk, ["people"]),
        "cache_seconds": _cache_seconds(filters, options),
    }
    return render(request, "participants/people.html", context)


@member_required()
def slideshow(request):
    filters = _gallery_filters(request)
    cohort = request.cohort
    options = SimpleLazyObject(lambda: queries.gallery_filter_options(cohort))
    context = {
        "slides": SimpleLazyObject(lambda: slides.gallery(cohort, **filters)),
        "cache_seconds": _cache_seconds(filters, options),
        "filters": filters,
        "filter_query": urlencode({name: value for name, value in filters.items() if value}),
        "gen": fragments.generations(cohort.pk, ["people"]),
    }
    return render(request, "participants/slideshow.html", context)


@member_required()
def introductions(request):
    members = list(queries.introductions(request.cohort))
    return render(request, "participants/introductions.html", {"members": members})


# A thumbnail's address names its version, so the browser may keep it for good.
IMMUTABLE = "private, max-age=31536000, immutable"


def _visible_profile(request, pk) -> Profile:
    """The profile whose photo the viewer may see: in their cohort, and not hidden from them (a
    hidden slide stays visible to its owner and to staff)."""
    profile = get_object_or_404(
        Profile.objects.select_related("membership"), pk=pk, membership__cohort=request.cohort
    )
    own = profile.membership.user_id == request.user.pk
    if not profile.photo or (
        profile.hidden_from_gallery and not own and request.membership.role == Role.PARTICIPANT
    ):
        raise Http404
    return profile


def _send(file, *, cache_control: str):
    """The file's bytes from Django, or behind a proxy (PHOTO_ACCEL_REDIRECT, for photos in a
    folder the proxy reads) only the permission-checked answer, with the header that tells the
    proxy which file to send."""
    content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    if settings.PHOTO_ACCEL_REDIRECT and isinstance(file.storage, FileSystemStorage):
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = (
            settings.PHOTO_ACCEL_REDIRECT.rstrip("/") + "/" + quote(file.name)
        )
    else:
        response = FileResponse(file.open("rb"), content_type=content_type)
    response["Cache-Control"] = cache_control
    return response


@member_required()
def photo(request, pk):
    """The full photo, as uploaded (re-encoded)."""
    return _send(_visible_profile(request, pk).photo, cache_control="private, max-age=86400")


@member_required()
def thumbnail(request, pk, version=""):
    """The gallery-size copy: made on the first request if the photo has none yet; an old or
    missing version is sent on to the current address."""
    profile = _visible_profile(request, pk)
    if not thumbnails.ensure(profile):
        raise Http404
    current = thumbnails.version(profile)
    if version != current:
        return redirect(
            "participants:thumbnail", slug=request.cohort.slug, pk=profile.pk, version=current
        )
    return _send(profile.thumbnail, cache_control=IMMUTABLE)


@member_required()
def edit_profile(request):
    profile, _ = Profile.objects.get_or_create(membership=request.membership)
    form = ProfileForm(
        request.POST or None, request.FILES or None, instance=profile, user=request.user
    )
    if request.method == "POST":
        if form.is_valid():
            services.update_profile(
                membership=request.membership,
                user_fields=form.user_fields(),
                profile_fields=form.profile_fields(),
                photo=form.cleaned_data["photo"],
                remove_photo=form.cleaned_data["remove_photo"],
            )
            messages.success(request, "Your slide is saved.")
            return redirect(_url(request, "edit_profile"))
        profile.refresh_from_db()
    preview = [slides.of(request.membership, profile, slug=request.cohort.slug)]
    return render(
        request,
        "participants/profile_form.html",
        {"form": form, "profile": profile, "preview": preview},
    )


@member_required()
def edit_introduction(request):
    profile = Profile.objects.filter(membership=request.membership).first()
    form = IntroductionForm(
        request.POST or None, initial={"text": profile.introduction if profile else ""}
    )
    if request.method == "POST" and form.is_valid():
        services.save_introduction(membership=request.membership, text=form.cleaned_data["text"])
        messages.success(request, "Your introduction is saved.")
        return redirect(_url(request, "introductions"))
    return render(request, "participants/intro_form.html", {"form": form})


# --- Goals form ------------------------------------------------------------------------------


@member_required("participate")
def goals(request):
    cohort, membership = request.cohort, request.membership
    answer = GoalsAnswer.objects.filter(membership=membership).first()
    now = timezone.now()
    is_open = services.goals_open_for(answer, cohort, now)
    form = None
    if request.method == "POST":
        if "save_draft" in request.POST:
            services.save_goals_draft(membership=membership, data=request.POST)
            messages.success(request, "Draft saved. Nothing has been submitted yet.")
            return redirect(_url(request, "goals"))
        form = GoalsForm(request.POST)
        if form.is_valid():
            try:
                answer = services.submit_goals(membership=membership, answers=form.cleaned_data)
            except services.DeadlinePassed:
                messages.error(
                    request,
                    "The goals form has closed, so this was not submitted. Your answers are "
                    "kept as a draft; ask your mentor to reopen the form for you.",
                )
                return redirect(_url(request, "goals"))
            messages.success(
                request,
                "Your goals form is submitted (marked late)."
                if answer.is_late
                else "Your goals form is submitted. You can change it until it closes.",
            )
            return redirect(_url(request, "goals"))
        services.save_goals_draft(membership=membership, data=request.POST)
        answer = GoalsAnswer.objects.get(membership=membership)
    if form is None:
        if answer is not None and answer.has_unsubmitted_draft:
            form = GoalsForm(initial=answer.draft)
        else:
            form = GoalsForm(instance=answer)
    context = {
        "form": form,
        "answer": answer,
        "is_open": is_open,
        "deadline": services.goals_deadline(cohort),
        "now": now,
    }
    return render(request, "participants/goals.html", context)


@member_required("participate")
@require_POST
def goals_draft(request):
    """Autosave from the goals page: keeps the text as a draft, submitted or not."""
    answer = services.save_goals_draft(membership=request.membership, data=request.POST)
    return JsonResponse({"saved_at": answer.draft_saved_at.isoformat()})


# --- Withdrawal ------------------------------------------------------------------------------


@member_required("participate")
@submit_once
def withdraw(request):
    current = Withdrawal.objects.filter(membership=request.membership).first()
    form = WithdrawalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.withdraw(
            membership=request.membership,
            scope=form.cleaned_data["scope"],
            reason=form.cleaned_data["reason"],
        )
        messages.success(
            request,
            "Your withdrawal is recorded. If you change your mind, tell your mentor: they can "
            "reverse it.",
        )
        return redirect("cohort:home", slug=request.cohort.slug)
    active = current if current and current.is_active else None
    return render(request, "participants/withdraw.html", {"form": form, "current": active})
