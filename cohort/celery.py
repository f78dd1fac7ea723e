import os
from collections.abc import Iterator, Mapping

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cohort.settings")

PREFIX = "CELERY_"


class CelerySettings(Mapping):
    """The CELERY_* Django settings under Celery's own names (task_always_eager, ...), read
    when Celery first needs them.

    Not `config_from_object(..., namespace="CELERY")`: with a namespace, celery 5.6 looks up
    the prefixed name first in every layer, so `app.conf.task_always_eager = False` (what the
    tests with a real worker do) would lose to CELERY_TASK_ALWAYS_EAGER from the settings."""

    def _settings(self):
        from django.conf import settings

        return settings

    def __getitem__(self, key: str):
        try:
            return getattr(self._settings(), PREFIX + key.upper())
        except AttributeError:
            raise KeyError(key) from None

    def __iter__(self) -> Iterator[str]:
        names = dir(self._settings())
        return iter([name[len(PREFIX) :].lower() for name in names if name.startswith(PREFIX)])

    def __len__(self) -> int:
        return sum(1 for _ in self)


app = Celery("cohort")
app.config_from_object(CelerySettings())
app.autodiscover_tasks()
