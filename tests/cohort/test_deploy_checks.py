from django.core.management import call_command


def test_deploy_check_warns_when_the_cache_is_per_process(settings, capsys):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    call_command("check", "--deploy", "--tag", "caches")
    assert "cohort.W001" in capsys.readouterr().err


def test_deploy_check_is_quiet_with_a_shared_cache(settings, capsys):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/0",
        }
    }
    call_command("check", "--deploy", "--tag", "caches")
    assert "cohort.W001" not in capsys.readouterr().err
