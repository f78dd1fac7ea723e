"""People: the user model (the e-mail address is the login) and their one-time form tokens."""

import zoneinfo

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils.timezone import now

TIMEZONE_CHOICES = [
    (name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())
]
DEFAULT_TIMEZONE = "Europe/London"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra_fields)


def display_name_of(name: str, email: str) -> str:
    """How a person is named on every page, from their row's values (lists read many)."""
    return name or email.split("@")[0]


class User(AbstractBaseUser, PermissionsMixin):
    """A person; the e-mail address is the login."""

    email = models.EmailField("e-mail address", unique=True)
    name = models.CharField(max_length=150, blank=True)
    timezone = models.CharField(
        max_length=64,
        choices=TIMEZONE_CHOICES,
        default=DEFAULT_TIMEZONE,
        help_text="Times on the portal are shown in this timezone.",
    )
    is_staff = models.BooleanField(
        default=False,
        help_text="Can open the admin. Kept in step with mentor and operations roles.",
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["name", "email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self):
        return self.display_name

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        return display_name_of(self.name, self.email)

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.display_name.split(" ")[0]


class SubmittedForm(models.Model):
    """A create form's one-time token, stored with what its first submission led to.

    The unique token is what makes a double click do one thing: the second request's insert
    waits for the first one's transaction and then fails, and the second is sent where the
    first went (cohort/once.py).
    """

    token = models.UUIDField(unique=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="submitted_forms")
    result_url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Form {self.token} by {self.user_id}"
