"""System checks of our own: `check --deploy` refuses the placeholder key of .env.example and
warns when the cache is private to each process (cached pages would differ between workers)."""

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

ENV_EXAMPLE = Path(__file__).resolve().parent.parent / ".env.example"
LOCAL_KEY_PREFIX = "local-development-only-key"


def placeholder_keys() -> set[str]:
    keys = set()
    if ENV_EXAMPLE.exists():
        for line in ENV_EXAMPLE.read_text().splitlines():
            name, _, value = line.lstrip("# ").partition("=")
            if name.strip() == "SECRET_KEY" and value.strip():
                keys.add(value.strip())
    return keys


@register(Tags.security, deploy=True)
def check_secret_key_is_not_a_placeholder(app_configs, **kwargs):
    key = settings.SECRET_KEY
    if key in placeholder_keys() or key.startswith(LOCAL_KEY_PREFIX):
        return [
            Error(
                "SECRET_KEY is the placeholder of .env.example (or the local development key).",
                hint="Set SECRET_KEY to a long random value, e.g. the output of "
                "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`.",
                id="cohort.E001",
            )
        ]
    return []


@register(Tags.caches, deploy=True)
def check_cache_is_shared(app_configs, **kwargs):
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith("LocMemCache"):
        return [
            Warning(
                "The cache is local to each process: with several gunicorn workers, a change "
                "renews the cached pages of one worker only, and sessions are not shared.",
                hint="Set REDIS_URL (docker-compose does).",
                id="cohort.W001",
            )
        ]
    return []
