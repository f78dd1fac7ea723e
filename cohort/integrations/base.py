"""What every integration shares: two kinds of failure and one retry policy.

Each service in this package has the same shape: a small typed interface (a `Protocol`), a
real client behind it, a log-only stand-in behind the same interface when the service is not
`configured`, and every failure turned into `TransientError` (worth trying again later; the
request may have landed) or `PermanentError` (another attempt will not change the answer).
Callers retry transient errors with `RetryPolicy`, built from settings named alike:
`<SERVICE>_RETRY_BASE_SECONDS`, `<SERVICE>_RETRY_MAX_SECONDS`, `<SERVICE>_MAX_ATTEMPTS`.
"""

import random
from dataclasses import dataclass

from django.conf import settings


class IntegrationError(Exception):
    """A failure talking to an outside service; `reason` is short and shown in the admin."""

    def __init__(self, reason: str, *, status: int | None = None, code: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.code = code


class TransientError(IntegrationError):
    """Timeouts, connection errors, 429 and 5xx: try again later. `retry_after` is the wait
    the service asked for (a 429's Retry-After), None when it named none."""

    def __init__(self, reason: str, *, retry_after: float | None = None, **kwargs):
        super().__init__(reason, **kwargs)
        self.retry_after = retry_after


class PermanentError(IntegrationError):
    """The service refused the request for a reason another attempt will not change."""


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded exponential backoff with jitter: attempt n waits between half and all of
    min(max_seconds, base_seconds * 2^(n-1)); after `max_attempts` tries it gives up."""

    base_seconds: float
    max_seconds: float
    max_attempts: int

    @classmethod
    def for_service(cls, prefix: str) -> "RetryPolicy":
        """The policy from `<prefix>_RETRY_BASE_SECONDS`, `_RETRY_MAX_SECONDS`, `_MAX_ATTEMPTS`."""
        return cls(
            base_seconds=getattr(settings, f"{prefix}_RETRY_BASE_SECONDS"),
            max_seconds=getattr(settings, f"{prefix}_RETRY_MAX_SECONDS"),
            max_attempts=getattr(settings, f"{prefix}_MAX_ATTEMPTS"),
        )

    def ceiling(self, attempts: int) -> float:
        """The longest wait after `attempts` failed tries (1 for the first failure)."""
        return min(self.max_seconds, self.base_seconds * 2 ** max(attempts - 1, 0))

    def delay(self, attempts: int) -> float:
        ceiling = self.ceiling(attempts)
        return random.uniform(ceiling / 2, ceiling)  # noqa: S311 - jitter, not a secret

    def exhausted(self, attempts: int) -> bool:
        """Whether `attempts` tries are all this policy allows."""
        return attempts >= self.max_attempts
