from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from cohort import views
from cohort.notifications import views as notification_views

admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = f"{settings.SITE_NAME}: administration"
admin.site.site_title = settings.SITE_NAME


cohort_patterns = [
    path("", views.home, name="home"),
    path(
        "notifications/<int:pk>/dismiss/",
        views.dismiss_notification,
        name="dismiss_notification",
    ),
    path("announcements/", views.announcements, name="announcements"),
    path("announcements/<int:pk>/", views.announcement_detail, name="announcement"),
    path("links/", views.resources, name="resources"),
    path("faq/", views.faq, name="faq"),
    path("overview/", views.overview, name="overview"),
    path("overview/work-list.csv", views.overview_csv, name="overview_csv"),
    path("overview/remind/", views.remind, name="remind"),
    path("overview/people/<int:user_id>/", views.person, name="person"),
    path(
        "me/notifications/", notification_views.notification_settings, name="notification_settings"
    ),
    path("me/data/", views.my_data, name="my_data"),
    path("overview/close/", views.close_cohort, name="close"),
]

portal_patterns = [
    path("", views.landing, name="landing"),
    path("invite/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("slack/commands/", notification_views.slack_command_view, name="slack_command"),
    path("c/<slug:slug>/", include(cohort_patterns)),
]

urlpatterns = [
    path("", include((portal_patterns, "cohort"))),
    path("c/<slug:slug>/", include("events.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("c/<slug:slug>/", include("participants.urls")),
    path("c/<slug:slug>/", include("sprints.urls")),
    path("c/<slug:slug>/compute/", include("compute.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
