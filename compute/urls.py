from django.urls import path

from compute import views

app_name = "compute"

urlpatterns = [
    path("", views.ledger, name="ledger"),
    path("claims/new/", views.claim_new, name="claim_new"),
    path("claims/<int:pk>/", views.claim_detail, name="claim"),
    path("claims/<int:pk>/edit/", views.claim_edit, name="claim_edit"),
    path("claims/<int:pk>/submit/", views.claim_submit, name="claim_submit"),
    path("claims/<int:pk>/approve/", views.claim_approve, name="claim_approve"),
    path("claims/<int:pk>/reject/", views.claim_reject, name="claim_reject"),
    path("receipts/<int:pk>/", views.receipt, name="receipt"),
    path("receipts/<int:pk>/inline/", views.receipt_inline, name="receipt_inline"),
    path("receipts/<int:pk>/view/", views.receipt_viewer, name="receipt_viewer"),
    path("receipts/<int:pk>/delete/", views.receipt_delete, name="receipt_delete"),
    path("review/", views.review, name="review"),
    path("review/claims.csv", views.review_export, name="review_export"),
    path("review/mark-paid/", views.review_mark_paid, name="review_mark_paid"),
    path("top-ups/new/", views.top_up_new, name="top_up_new"),
    path("top-ups/<int:pk>/", views.top_up_detail, name="top_up"),
    path("top-ups/<int:pk>/decide/", views.top_up_decide, name="top_up_decide"),
]
