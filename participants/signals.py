from cohort import fragments
from cohort.models import Membership
from participants.models import GoalsAnswer
from participants.services import put_back_on_board, take_paired_off_board


def create_goals_answer(sender, instance, created, **kwargs):
    """Every participant has a goals row from the start, so the admin lists who has not answered."""
    if created and instance.role == "participant":
        GoalsAnswer.objects.get_or_create(membership=instance)


def take_pair_off_board(sender, pair, users, **kwargs):
    """A sprint pair formed (connected by the sprints app): both leave the partner board,
    their entries kept."""
    take_paired_off_board(cohort=pair.cohort, users=users)


def put_dissolved_pair_back_on_board(sender, pair, users, **kwargs):
    """A sprint pair was dissolved: its members' entries are back on the board."""
    put_back_on_board(cohort=pair.cohort, users=users)


def cohort_of_member_row(row) -> int | None:
    """The cohort of a row that belongs to a membership (a profile, a withdrawal)."""
    if type(row).membership.is_cached(row):
        return row.membership.cohort_id
    return (
        Membership.objects.filter(pk=row.membership_id).values_list("cohort_id", flat=True).first()
    )


# Saves that change nothing a slide shows (every login writes last_login).
UNSHOWN_USER_FIELDS = frozenset({"last_login", "password"})


def user_changed(sender, instance, update_fields=None, **kwargs):
    """A user's name or timezone is on their slide in every cohort they belong to."""
    if update_fields is not None and set(update_fields) <= UNSHOWN_USER_FIELDS:
        return
    for cohort_id in Membership.objects.filter(user=instance).values_list("cohort_id", flat=True):
        fragments.bump(cohort_id, "people")
