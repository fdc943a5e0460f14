"""Pages of challenges, good practices, recommendations and statistics."""

from django.urls import path

from . import views
from .search import views as search_views

urlpatterns = [
    path("", views.my_work, name="my-work"),
    path("challenges/", views.challenge_list, name="challenge-list"),
    path("challenges/board/", views.challenge_board, name="challenge-board"),
    path("challenges/new/", views.challenge_new, name="challenge-new"),
    path(
        "challenges/suggestions/",
        search_views.challenge_suggestions,
        name="challenge-suggestions",
    ),
    path("challenges/views/", search_views.saved_view_create, name="saved-view-create"),
    path(
        "challenges/views/<int:pk>/", search_views.saved_view_change, name="saved-view-change"
    ),
    path(
        "challenges/<int:pk>/close-as-duplicate/",
        search_views.challenge_close_as_duplicate,
        name="challenge-close-duplicate",
    ),
    path("challenges/<int:pk>/", views.challenge_detail, name="challenge-detail"),
    path("challenges/<int:pk>/edit/", views.challenge_edit, name="challenge-edit"),
    path("challenges/<int:pk>/comment/", views.challenge_comment, name="challenge-comment"),
    path("challenges/<int:pk>/follow/", views.challenge_follow, name="challenge-follow"),
    path("challenges/<int:pk>/assign/", views.challenge_assign, name="challenge-assign"),
    path("challenges/<int:pk>/step/<slug:name>/", views.challenge_step, name="challenge-step"),
    path("good-practices/", views.good_practice_catalogue, name="good-practice-catalogue"),
    path("good-practices/<slug:slug>/", views.good_practice_detail, name="good-practice-detail"),
    path(
        "good-practices/<slug:slug>/publish/",
        views.good_practice_publish,
        name="good-practice-publish",
    ),
    path("recommendations/<slug:slug>/", views.recommendations, name="recommendations"),
    path("statistics/", views.statistics, name="statistics"),
]
