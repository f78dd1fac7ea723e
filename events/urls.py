from django.urls import path

from events import views

app_name = "events"

urlpatterns = [
    path("schedule/", views.schedule, name="schedule"),
    path("schedule/recording/", views.recording_opt_out_all, name="recording_opt_out_all"),
    path("schedule/feed/reset/", views.reset_feed, name="reset_feed"),
    path("schedule/feed/<str:token>.ics", views.feed, name="feed"),
    path("schedule/<int:pk>/", views.event_detail, name="event"),
    path("schedule/<int:pk>/recording/", views.recording_opt_out, name="recording_opt_out"),
    path("schedule/<int:pk>/attended/", views.mark_attended, name="mark_attended"),
    path("schedule/<int:pk>/register/", views.attendance_register, name="attendance_register"),
    path("schedule/<int:pk>/slots/take/", views.take_slot, name="take_slot"),
    path("schedule/<int:pk>/slots/release/", views.release_slot, name="release_slot"),
    path("schedule/<int:pk>/run-sheet/", views.run_sheet, name="run_sheet"),
]
