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
