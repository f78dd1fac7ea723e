"""Sprints: project ideas, mini-project logs, sprint pairs of exactly two, research problems,
alternative dates, drop-in and interview bookings, and the mentor's selection.

One module per job (ideas, pairs, schedule, selection); every name is importable from
sprints.models.
"""

from sprints.models.ideas import (
    DEFAULT_CATEGORIES,
    Difficulty,
    Idea,
    IdeaCategory,
    IdeaKind,
    MiniProject,
)
from sprints.models.pairs import (
    InvitationState,
    Pair,
    PairInvitation,
    PairMember,
    ProblemState,
    ProblemSubmission,
)
from sprints.models.schedule import (
    Booking,
    DateShiftEntry,
    DateShiftRequest,
    RequestState,
    Slot,
    SlotKind,
    SprintSettings,
)
from sprints.models.selection import Decision, Selection, SuggestionSkip

__all__ = [
    "DEFAULT_CATEGORIES",
    "Booking",
    "DateShiftEntry",
    "DateShiftRequest",
    "Decision",
    "Difficulty",
    "Idea",
    "IdeaCategory",
    "IdeaKind",
    "InvitationState",
    "MiniProject",
    "Pair",
    "PairInvitation",
    "PairMember",
    "ProblemState",
    "ProblemSubmission",
    "RequestState",
    "Selection",
    "Slot",
    "SlotKind",
    "SprintSettings",
    "SuggestionSkip",
]
