"""Signals other apps listen to. Both are sent after the transaction commits.

- `pair_formed(sender, pair, users)`: two people (or one, solo) are now in a sprint pair; the
  partner board takes them off.
- `pair_dissolved(sender, pair, users)`: the pair is gone; the partner board puts them back.
"""

from django.dispatch import Signal

from sprints.models import DEFAULT_CATEGORIES, IdeaCategory

pair_formed = Signal()
pair_dissolved = Signal()


def add_default_categories(sender, instance, created, **kwargs):
    """A new cohort starts with the usual idea categories; the mentor edits them in the admin."""
    if created:
        IdeaCategory.objects.bulk_create(
            [
                IdeaCategory(cohort=instance, name=name, order=i)
                for i, name in enumerate(DEFAULT_CATEGORIES)
            ],
            ignore_conflicts=True,
        )
