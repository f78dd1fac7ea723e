"""Slides as the gallery, the slideshow and the person page show them: plain values, with the
photo's URL and the interest list worked out once, so that the template only prints them."""

from dataclasses import dataclass

from django.urls import reverse

from cohort.models import Cohort, Membership, Role
from participants import queries, thumbnails
from participants.models import Profile

ROLE_LABELS = dict(Role.choices)
LINKS = (("website", "Website"), ("github", "GitHub"), ("scholar", "Scholar"))
# What a slide shows, read with values_list so that no model instance is built per slide.
FIELDS = (
    "user_id",
    "user__name",
    "user__email",
    "user__timezone",
    "role",
    "profile__id",
    "profile__photo",
    "profile__thumbnail",
    "profile__thumbnail_of",
    "profile__pronouns",
    "profile__bio",
    "profile__background",
    "profile__interests",
    "profile__website",
    "profile__github",
    "profile__scholar",
    "profile__introduction",
)


@dataclass(frozen=True, slots=True)
class Slide:
    user_id: int
    name: str
    initials: str
    timezone: str
    role_label: str  # empty for participants, who carry no badge
    photo_url: str  # empty without a photo
    pronouns: str = ""
    bio: str = ""
    background: str = ""
    interests: tuple[str, ...] = ()
    links: tuple[tuple[str, str], ...] = ()  # (label, address)
    introduction: str = ""


def display_name(name: str, email: str) -> str:
    return name or email.split("@")[0]


def initials_of(name: str) -> str:
    words = [w for w in name.replace(".", " ").split() if w]
    return "".join(w[0].upper() for w in words[:2]) or "?"


def photo_url(
    slug: str, profile_id: int | None, photo: str, thumbnail: str, thumbnail_of: str
) -> str:
    """The thumbnail's immutable address, or (no thumbnail yet) the one that makes it."""
    if not photo or profile_id is None:
        return ""
    kwargs = {"slug": slug, "pk": profile_id}
    if thumbnail and thumbnail_of == photo:
        kwargs["version"] = thumbnails.version_of(thumbnail)
    return reverse("participants:thumbnail", kwargs=kwargs)


def _slide(slug: str, row: tuple) -> Slide:
    (user_id, name, email, tz, role, profile_id, photo, thumb, thumb_of, *profile) = row
    shown = display_name(name, email)
    common = {
        "user_id": user_id,
        "name": shown,
        "initials": initials_of(shown),
        "timezone": tz,
        "role_label": "" if role == Role.PARTICIPANT else ROLE_LABELS.get(role, role),
        "photo_url": photo_url(slug, profile_id, photo, thumb, thumb_of),
    }
    if profile_id is None:
        return Slide(**common)
    pronouns, bio, background, interests, website, github, scholar, introduction = profile
    addresses = {"website": website, "github": github, "scholar": scholar}
    return Slide(
        **common,
        pronouns=pronouns,
        bio=bio,
        background=background,
        interests=tuple(tag for tag in interests.split(",") if tag),
        links=tuple((label, addresses[key]) for key, label in LINKS if addresses[key]),
        introduction=introduction,
    )


def gallery(cohort: Cohort, **filters) -> list[Slide]:
    """The gallery's slides (queries.gallery: visible, active, filtered), in one query."""
    return [
        _slide(cohort.slug, row) for row in queries.gallery(cohort, **filters).values_list(*FIELDS)
    ]


def of(membership: Membership, profile: Profile | None, *, slug: str) -> Slide:
    """One member's slide, hidden or not (the person page and the member's own preview)."""
    user = membership.user
    row = (user.pk, user.name, user.email, user.timezone, membership.role)
    if profile is None:
        return _slide(slug, (*row, None, "", "", ""))
    return _slide(
        slug,
        (
            *row,
            profile.pk,
            profile.photo.name or "",
            profile.thumbnail.name or "",
            profile.thumbnail_of,
            profile.pronouns,
            profile.bio,
            profile.background,
            profile.interests,
            profile.website,
            profile.github,
            profile.scholar,
            profile.introduction,
        ),
    )
