from django.urls import path

from participants import views

app_name = "participants"

urlpatterns = [
    path("people/", views.people, name="people"),
    path("people/slideshow/", views.slideshow, name="slideshow"),
    path("people/introductions/", views.introductions, name="introductions"),
    path("people/<int:pk>/photo/", views.photo, name="photo"),
    path("people/<int:pk>/thumbnail/", views.thumbnail, name="thumbnail"),
    path("people/<int:pk>/thumbnail/<slug:version>/", views.thumbnail, name="thumbnail"),
    path("me/profile/", views.edit_profile, name="edit_profile"),
    path("me/intro/", views.edit_introduction, name="edit_intro"),
    path("me/goals/", views.goals, name="goals"),
    path("me/goals/draft/", views.goals_draft, name="goals_draft"),
    path("me/help/", views.help_requests, name="help"),
    path("me/help/<int:pk>/answer/", views.help_answer, name="help_answer"),
    path("me/help/<int:pk>/close/", views.help_close, name="help_close"),
    path("me/forms/", views.my_forms, name="my_forms"),
    path("me/withdraw/", views.withdraw, name="withdraw"),
    path("partners/", views.partners, name="partners"),
    path("partners/me/", views.partner_entry, name="partner_entry"),
    path("partners/me/remove/", views.partner_entry_remove, name="partner_entry_remove"),
    path("partners/<int:pk>/interest/", views.partner_interest, name="partner_interest"),
    path("partners/interest/", views.partner_board_interest, name="partner_board_interest"),
    path("pairing/", views.pairing, name="pairing"),
    path("pairing/<int:pk>/join/", views.pairing_join, name="pairing_join"),
    path("pairing/<int:pk>/remove/", views.pairing_remove, name="pairing_remove"),
    path("ta/", views.ta_dashboard, name="ta_dashboard"),
    path("ta/requests/<int:pk>/claim/", views.help_claim, name="help_claim"),
    path("ta/requests/<int:pk>/comment/", views.help_comment, name="help_comment"),
    path("ta/requests/<int:pk>/resolve/", views.help_resolve, name="help_resolve"),
    path("ta/requests/<int:pk>/reopen/", views.help_reopen, name="help_reopen"),
    path("ta/requests/<int:pk>/undo/", views.help_undo_resolve, name="help_undo_resolve"),
]
