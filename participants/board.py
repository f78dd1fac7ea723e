"""The partner board's shared part: every entry's card, rendered once per generation.

What every viewer sees of an entry (name, hours, plans, interests, skills, and the buttons that
post through the page's own forms) is the same for everyone, so it is rendered once and kept in
the cache under the generations of the topics that feed it (`cohort.fragments`): "partners"
(entries) and "people" (names, time zones, withdrawals). A `{% cache %}` tag cannot hold it: the
page interleaves each card with the viewer's own bits (overlap with their entry, the interest
they sent) and orders the cards for them. The cards hold no token: the interest and invitation
buttons belong, by their `form` attribute, to one form each outside the cards, which carries
the viewer's CSRF and one-time tokens.
"""

import zoneinfo
from dataclasses import dataclass, field

from django.core.cache import cache
from django.template.loader import get_template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from cohort import fragments
from cohort.models import Cohort
from participants import queries
from participants.models import SLOTS_PER_HOUR, local_hours_to_utc_slots

TOPICS = ("partners", "people")
TIMEOUT_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Card:
    pk: int
    user_id: int
    name: str
    timezone: str
    interests: tuple[str, ...]
    available_from: int
    available_to: int
    want_to_work_on: str
    html: str  # what every viewer sees
    interest_html: str  # "I'm interested" with its note, for those who may join
    invite_html: str  # "Invite as sprint partner", for those who may join


@dataclass
class Row:
    """A card as one viewer sees it."""

    card: Card
    shared_interests: list[str] = field(default_factory=list)
    shared_hours: float | None = None
    my_interest: object = None  # the viewer's PartnerInterest in this entry, if any

    @property
    def overlap_text(self) -> str:
        n, hours = len(self.shared_interests), self.shared_hours or 0
        text = f"{n} shared interest{'' if n == 1 else 's'}, "
        text += f"{hours:g} hour{'' if hours == 1 else 's'} a day in common."
        if self.shared_interests:
            text += " Shared: " + ", ".join(self.shared_interests) + "."
        return text


def _key(cohort_id: int) -> str:
    gens = fragments.generations(cohort_id, TOPICS)
    return "partner-board:{}:{}".format(cohort_id, ":".join(str(gens[t]) for t in TOPICS))


# The cards this process read last, by their key. The key names the generations they were
# rendered under, so a list kept here is exactly as current as the shared cache's; it spares
# unpickling some 130 cards on every view (about 1.5 ms, more than the rest of the view).
_READ: dict[str, list[Card]] = {}
READ_KEPT = 8


def cards(cohort: Cohort) -> list[Card]:
    """Every entry on the board, newest first, each with its rendered card (cached)."""
    key = _key(cohort.pk)
    found = _READ.get(key)
    if found is not None:
        return found
    found = cache.get(key)
    if found is None:
        found = _render(cohort)
        cache.set(key, found, TIMEOUT_SECONDS)
    if len(_READ) >= READ_KEPT:
        _READ.clear()
    _READ[key] = found
    return found


def _render(cohort: Cohort) -> list[Card]:
    card, actions = (
        get_template("participants/_partner_card.html"),
        get_template("participants/_partner_card_actions.html"),
    )
    result = []
    for entry in queries.partner_entries(cohort, with_interest=False):
        context = {"entry": entry, "cohort": cohort}
        result.append(
            Card(
                pk=entry.pk,
                user_id=entry.user_id,
                name=entry.user.display_name,
                timezone=entry.user.timezone,
                interests=tuple(entry.interest_list),
                available_from=entry.available_from,
                available_to=entry.available_to,
                want_to_work_on=entry.want_to_work_on,
                html=card.render(context),
                interest_html=actions.render({**context, "part": "interest"}),
                invite_html=actions.render({**context, "part": "invite"}),
            )
        )
    return result


# (from, to, zone, the zone's UTC offset) -> UTC quarter hours: `at` matters only through the
# offset, so one computation serves every later moment with the same offset.
_SLOTS: dict = {}


class _Slots:
    """UTC quarter hours of cards at one moment, each zone's offset looked up once."""

    def __init__(self, at):
        self.at, self.offsets = at, {}

    def __call__(self, card: Card) -> frozenset[int]:
        tz = card.timezone
        if tz not in self.offsets:
            try:
                self.offsets[tz] = self.at.astimezone(zoneinfo.ZoneInfo(tz)).utcoffset()
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                self.offsets[tz] = None
        key = (card.available_from, card.available_to, tz, self.offsets[tz])
        if key not in _SLOTS:
            if len(_SLOTS) > 4096:
                _SLOTS.clear()
            _SLOTS[key] = frozenset(local_hours_to_utc_slots(*key[:3], self.at))
        return _SLOTS[key]


def rows_for(cards_: list[Card], mine: Card | None, at) -> list[Row]:
    """Each card with its overlap against the viewer's own card (none without one)."""
    if mine is None:
        return [Row(card) for card in cards_]
    slots = _Slots(at)
    mine_tags, mine_slots = set(mine.interests), slots(mine)
    return [
        Row(
            card,
            shared_interests=[t for t in card.interests if t in mine_tags],
            shared_hours=len(slots(card) & mine_slots) / SLOTS_PER_HOUR,
        )
        for card in cards_
    ]


def rows_html(rows: list[Row], *, can_join: bool) -> SafeString:
    """The cards as this viewer sees them: the cached HTML, with their overlap and their own
    interest marks around it (a template loop costs 30 µs a card; this, a microsecond)."""
    sent = get_template("participants/_partner_card_sent.html")
    parts = []
    for row in rows:
        card = row.card
        overlap = " has-overlap" if row.shared_interests else ""
        parts.append(f'<article class="card entry{overlap}" id="entry-{card.pk}">\n  ')
        parts.append(card.html)
        if row.shared_hours is not None:
            parts.append('  <p class="overlap"><strong>Overlap with you:</strong> ')
            parts.append(escape(row.overlap_text) + "</p>\n")
        if can_join:
            if row.my_interest is not None:
                parts.append(sent.render({"card": card, "interest": row.my_interest}))
            else:
                parts.append(card.interest_html)
            parts.append(card.invite_html)
        parts.append("</article>\n")
    return mark_safe("".join(parts))  # noqa: S308 - cached template output and escaped text
