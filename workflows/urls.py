"""Pages of challenges, good practices, recommendations and statistics."""

from django.urls import path

from . import (
    views,
    views_board,
    views_editorial,
    views_good_practices,
    views_import,
    views_lookup,
    views_my_work,
    views_open_data,
    views_recommendations,
    views_statistics,
    views_steps,
)
from .search import views as search_views

urlpatterns = [
    path("", views_my_work.my_work, name="my-work"),
    path("challenges/", views.challenge_list, name="challenge-list"),
    path("challenges/board/", views_board.challenge_board, name="challenge-board"),
    path("challenges/new/", views.challenge_new, name="challenge-new"),
    path(
        "challenges/suggestions/",
        search_views.challenge_suggestions,
        name="challenge-suggestions",
    ),
    path(
        "challenges/organisations/",
        views_lookup.organisation_suggestions,
        name="organisation-suggestions",
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
    path("challenges/<int:pk>/step/<slug:name>/", views_steps.challenge_step, name="challenge-step"),
    path(
        "challenges/<int:pk>/move/<slug:state>/",
        views_board.challenge_move,
        name="challenge-move",
    ),
    path("good-practices/", views_good_practices.good_practice_catalogue, name="good-practice-catalogue"),
    path(
        "good-practices/similar/",
        views_editorial.good_practice_similar,
        name="good-practice-similar",
    ),
    path(
        "good-practices/<slug:slug>/edit/",
        views_editorial.good_practice_edit,
        name="good-practice-edit",
    ),
    path(
        "good-practices/<slug:slug>/preview/",
        views_editorial.good_practice_preview,
        name="good-practice-preview",
    ),
    path(
        "good-practices/<slug:slug>/publish/",
        views_editorial.good_practice_publish,
        name="good-practice-publish",
    ),
    path(
        "good-practices/<slug:slug>/unpublish/",
        views_editorial.good_practice_unpublish,
        name="good-practice-unpublish",
    ),
    path("good-practices/<slug:slug>/", views_good_practices.good_practice_detail, name="good-practice-detail"),
    path(
        "recommendations/new/", views_recommendations.recommendation_new,
        name="recommendation-new",
    ),
    path(
        "recommendations/<slug:slug>/", views_recommendations.target_group_recommendations,
        name="recommendations",
    ),
    path(
        "recommendation/<slug:slug>/", views_recommendations.recommendation_detail,
        name="recommendation-detail",
    ),
    path(
        "recommendation/<slug:slug>/pdf/", views_recommendations.recommendation_pdf_view,
        name="recommendation-pdf",
    ),
    path(
        "recommendation/<slug:slug>/edit/", views_recommendations.recommendation_edit,
        name="recommendation-edit",
    ),
    path(
        "recommendation/<slug:slug>/publish/", views_recommendations.recommendation_publish,
        name="recommendation-publish",
    ),
    path(
        "recommendation/<slug:slug>/unpublish/", views_recommendations.recommendation_unpublish,
        name="recommendation-unpublish",
    ),
    path("import/", views_import.import_sheet, name="import-sheet"),
    path("open-data/", views_open_data.open_data_page, name="open-data"),
    path("open-data/good-practices.json", views_open_data.feed_json, name="open-data-json"),
    path("open-data/good-practices.csv", views_open_data.feed_csv, name="open-data-csv"),
    path("statistics/", views_statistics.statistics, name="statistics"),
    path(
        "statistics/csv/<slug:table>/", views_statistics.statistics_csv,
        name="statistics-csv",
    ),
]
