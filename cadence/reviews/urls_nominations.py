from django.urls import URLPattern, path

from cadence.reviews import views_nominations as views

urlpatterns: list[URLPattern] = [
    path("<int:review_id>/peers/", views.peers, name="nomination_peers"),
    path("<int:review_id>/peers/propose/", views.propose, name="nomination_propose"),
    path("<int:review_id>/peers/add/", views.add, name="nomination_add"),
    path("<int:review_id>/peers/approve-all/", views.approve_all, name="nomination_approve_all"),
    path(
        "<int:review_id>/peers/<int:nomination_id>/withdraw/",
        views.withdraw,
        name="nomination_withdraw",
    ),
    path(
        "<int:review_id>/peers/<int:nomination_id>/approve/",
        views.approve,
        name="nomination_approve",
    ),
    path(
        "<int:review_id>/peers/<int:nomination_id>/remove/", views.remove, name="nomination_remove"
    ),
    path("peers/asked/", views.asked, name="nomination_asked"),
    path("peers/asked/<int:nomination_id>/decline/", views.decline, name="nomination_decline"),
]
