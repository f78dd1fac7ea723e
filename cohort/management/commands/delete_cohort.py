from django.core.management.base import BaseCommand, CommandError

from cohort.deletion import delete_cohort
from cohort.models import Cohort


class Command(BaseCommand):
    help = (
        "Delete a cohort with everything in it, its audit trail included (the records that "
        "guard others go first). Without --yes it only says what it would delete."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--yes", action="store_true", help="delete it (no question asked)")

    def handle(self, *args, slug, yes, **options):
        cohort = Cohort.objects.filter(slug=slug).first()
        if cohort is None:
            raise CommandError(f"There is no cohort {slug!r}.")
        if not yes:
            self.stdout.write(f"Would delete {cohort} ({slug}) and all it holds; add --yes.")
            return
        counts = delete_cohort(cohort=cohort)
        first = ", ".join(f"{count} {what}" for what, count in counts.items() if count)
        self.stdout.write(f"Deleted {cohort} ({slug}); first {first or 'nothing else'}.")
