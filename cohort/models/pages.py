"""What a cohort's members read together: resources, the FAQ and announcements."""

from django.db import models
from django.urls import reverse
from django.utils import timezone

from cohort.markdown import render_markdown
from cohort.models.accounts import User
from cohort.models.cohorts import Cohort
from cohort.notifications.models import SlackMessage, SlackPostedMixin
from cohort.validation import http_url


class ResourceSection(models.Model):
    """A group of links on the resources page, such as "Key links" or "Tooling"."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="resource_sections")
    title = models.CharField(max_length=120)
    intro = models.TextField(
        max_length=5000, blank=True, help_text="Markdown, shown under the heading."
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["cohort", "order", "id"]

    def __str__(self):
        return self.title


class Resource(models.Model):
    section = models.ForeignKey(ResourceSection, on_delete=models.CASCADE, related_name="resources")
    title = models.CharField(max_length=200)
    url = models.URLField(max_length=500, validators=[http_url])
    description = models.TextField(
        max_length=2000, blank=True, help_text="Markdown, one or two sentences."
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["section", "order", "id"]

    def __str__(self):
        return self.title


class FAQEntry(models.Model):
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="faq_entries")
    question = models.CharField(max_length=300)
    answer = models.TextField(max_length=10000, help_text="Markdown.")
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["cohort", "order", "id"]
        verbose_name = "FAQ entry"
        verbose_name_plural = "FAQ entries"

    def __str__(self):
        return self.question


class Channel(models.TextChoices):
    ANNOUNCEMENTS = "announcements", "Announcements"
    RANDOM = "random", "Random"
    QUESTIONS = "questions", "Questions"
    RESEARCH_UPDATES = "research_updates", "Research updates"


class AnnouncementQuerySet(models.QuerySet):
    def published(self, now=None):
        return self.filter(published_at__isnull=False, published_at__lte=now or timezone.now())


class AnnouncementManager(models.Manager.from_queryset(AnnouncementQuerySet)):
    def get_queryset(self):
        # Each announcement's Slack state is its latest post's: one query for a whole list.
        return (
            super()
            .get_queryset()
            .prefetch_related(
                models.Prefetch("slack_messages", queryset=SlackMessage.objects.order_by("-id"))
            )
        )


class Announcement(SlackPostedMixin, models.Model):
    """A note from the mentor to the cohort, shown on the portal and posted to a Slack channel.

    Its Slack state is not stored here: it is that of its latest post in the outbox. Every save
    and delete, wherever it is made, reaches Slack through cohort.notifications.queue (a
    post_save/pre_delete hook connected in CohortConfig.ready())."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="announcements")
    title = models.CharField(max_length=200)
    body = models.TextField(max_length=20000, help_text="Markdown.")
    # The body rendered and sanitised, kept by save() so that pages never render it again.
    body_html = models.TextField(editable=False, default="")
    channel = models.CharField(
        "Slack channel", max_length=32, choices=Channel.choices, default=Channel.ANNOUNCEMENTS
    )
    author = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL)
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Empty keeps it a draft; a future time publishes it then.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AnnouncementManager()

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["cohort", "published_at"])]

    def __str__(self):
        return self.title

    def save(self, *args, update_fields=None, **kwargs):
        self.body_html = render_markdown(self.body)
        if update_fields is not None and "body" in update_fields:
            update_fields = {*update_fields, "body_html"}
        super().save(*args, update_fields=update_fields, **kwargs)

    def get_absolute_url(self):
        return reverse("cohort:announcement", kwargs={"slug": self.cohort.slug, "pk": self.pk})

    @property
    def is_published(self) -> bool:
        return self.published_at is not None and self.published_at <= timezone.now()
