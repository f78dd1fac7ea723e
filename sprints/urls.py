from django.urls import path

from sprints import views

app_name = "sprints"

urlpatterns = [
    path("ideas/", views.ideas, name="ideas"),
    path("mini-projects/", views.mini_projects, name="mini_projects"),
    path("mini-projects/new/", views.mini_project_new, name="mini_project_new"),
    path("sprint/", views.sprint, name="sprint"),
    path("sprint/invite/", views.invite, name="invite"),
    path("sprint/invitations/<int:pk>/accept/", views.accept, name="accept"),
    path("sprint/invitations/<int:pk>/decline/", views.decline, name="decline"),
    path("sprint/invitations/<int:pk>/cancel/", views.cancel_invitation, name="cancel_invitation"),
    path("sprint/solo/", views.solo, name="solo"),
    path("sprint/dissolve/", views.dissolve, name="dissolve"),
    path("sprint/problem/", views.problem, name="problem"),
    path("sprint/dates/", views.alternative_dates, name="alternative_dates"),
    path("sprint/writeup/", views.writeup, name="writeup"),
    path("sprint/slots/", views.slots, name="slots"),
    path("sprint/slots/<int:pk>/book/", views.book, name="book"),
    path("sprint/bookings/<int:pk>/cancel/", views.cancel_booking, name="cancel_booking"),
    path("overview/partners/", views.partner_suggestions, name="partner_suggestions"),
]
