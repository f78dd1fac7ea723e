from participants.models import GoalsAnswer


def create_goals_answer(sender, instance, created, **kwargs):
    """Every participant has a goals row from the start, so the admin lists who has not answered."""
    if created and instance.role == "participant":
        GoalsAnswer.objects.get_or_create(membership=instance)
