"""Project ideas and their categories, and the mini-projects participants log."""

from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cohort.models import Cohort
from cohort.validation import http_url, http_url_lines, is_http_url

User = settings.AUTH_USER_MODEL


DEFAULT_CATEGORIES = [
    "Looking for learned features",
    "Interpreting algorithmic problems",
    "Analysing toy language models",
    "Circuits in the wild",
    "Techniques",
    "Tooling and automation",
    "Superposition and polysemanticity",
    "Other",
]


class IdeaCategory(models.Model):
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="idea_categories")
    name = models.CharField(max_length=100)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["cohort", "order", "name"]
        verbose_name_plural = "idea categories"
        constraints = [
            models.UniqueConstraint(fields=["cohort", "name"], name="ideacategory_unique_name")
        ]

    def __str__(self):
        return self.name


class Difficulty(models.TextChoices):
    A = "A", "A: approachable"
    B = "B", "B: moderate"
    C = "C", "C: hard"


class IdeaKind(models.TextChoices):
    MINI = "mini", "Mini-project"
    SPRINT = "sprint", "Sprint"
    BOTH = "both", "Mini-project or sprint"


class Idea(models.Model):
    """A project idea written by the mentor."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="ideas")
    title = models.CharField(max_length=200)
    description = models.TextField(max_length=10000, help_text="Markdown.")
    category = models.ForeignKey(IdeaCategory, on_delete=models.PROTECT, related_name="ideas")
    difficulty = models.CharField(max_length=1, choices=Difficulty.choices)
    kind = models.CharField(
        "suited to", max_length=8, choices=IdeaKind.choices, default=IdeaKind.BOTH
    )
    links = models.TextField(
        max_length=2000,
        blank=True,
        validators=[http_url_lines],
        help_text="One address per line, each starting with http:// or https://.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["cohort", "category__order", "difficulty", "title"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "title"], name="idea_unique_title"),
            models.CheckConstraint(
                condition=Q(difficulty__in=["A", "B", "C"]), name="idea_difficulty_abc"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def link_list(self) -> list[str]:
        # Only web addresses are ever links, whatever an older row holds.
        return [line for line in (s.strip() for s in self.links.splitlines()) if is_http_url(line)]


class MiniProject(models.Model):
    """A light log of a short project, by one person with optional collaborators."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="mini_projects")
    author = models.ForeignKey(User, on_delete=models.CASCADE, related_name="mini_projects")
    title = models.CharField(max_length=200)
    idea = models.ForeignKey(
        Idea, null=True, blank=True, on_delete=models.SET_NULL, related_name="mini_projects"
    )
    collaborators = models.ManyToManyField(
        User, blank=True, related_name="mini_project_collaborations"
    )
    start_date = models.DateField()
    days = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)], help_text="From 1 to 5 days."
    )
    result_url = models.URLField(
        "link to the result", max_length=500, blank=True, validators=[http_url]
    )
    takeaway = models.CharField("one-line takeaway", max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(days__gte=1, days__lte=5), name="miniproject_one_to_five_days"
            )
        ]

    def __str__(self):
        return self.title

    @property
    def end_date(self):
        return self.start_date + timedelta(days=self.days - 1)
