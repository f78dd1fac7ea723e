"""Sessions are read from the cache and kept in the database too (cached_db)."""

from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse


def _home(cohort):
    return reverse("cohort:home", kwargs={"slug": cohort.slug})


def _log_in(client, user):
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": "a-long-test-password"}
    )
    assert response.status_code == 302


def test_logging_in_through_the_form_opens_cohort_pages(client, participant, cohort):
    _log_in(client, participant)

    response = client.get(_home(cohort))

    assert response.status_code == 200
    assert client.session["_auth_user_id"] == str(participant.pk)


def test_a_session_survives_the_cache_being_flushed(client, participant, cohort):
    _log_in(client, participant)
    assert Session.objects.filter(session_key=client.session.session_key).exists()

    cache.clear()  # a Redis restart or flush
    response = client.get(_home(cohort))

    assert response.status_code == 200
    assert response.context["user"] == participant


def test_a_logged_in_page_reads_the_session_from_the_cache(client, participant, cohort):
    _log_in(client, participant)
    client.get(_home(cohort))

    with CaptureQueriesContext(connection) as queries:
        response = client.get(_home(cohort))

    assert response.status_code == 200
    assert [q["sql"] for q in queries if "django_session" in q["sql"]] == []


def test_logging_out_ends_the_session_in_the_cache_and_the_database(client, participant, cohort):
    _log_in(client, participant)
    key = client.session.session_key

    client.post(reverse("account_logout"))
    cache.clear()
    response = client.get(_home(cohort))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not Session.objects.filter(session_key=key).exists()
