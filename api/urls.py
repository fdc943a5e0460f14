from django.urls import include, path, re_path
from csp.decorators import csp_update
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import views, views_history, views_personal_data, views_search, views_stats, views_transitions
from . import views_editorial, views_events, views_good_practices, views_public, views_reference

v1 = [
    path("auth/token/", views.TokenView.as_view(), name="token"),
    path("challenges/", views.ChallengeListView.as_view(), name="challenge-list"),
    path(
        "challenges/similar/", views_search.SimilarChallengesView.as_view(), name="challenge-similar"
    ),
    path("challenges/<str:pk>/", views.ChallengeDetailView.as_view(), name="challenge-detail"),
    path(
        "challenges/<str:pk>/transitions/",
        views.TransitionListView.as_view(),
        name="challenge-transitions",
    ),
    *[
        path(
            f"challenges/<str:pk>/transitions/{name}/",
            view.as_view(),
            name=f"challenge-transition-{name}",
        )
        for name, view in views_transitions.TRANSITION_VIEWS.items()
    ],
    # Any other step name: a JSON 404 (not in the schema).
    path(
        "challenges/<str:pk>/transitions/<str:name>/",
        views.TransitionRunView.as_view(),
        name="challenge-transition",
    ),
    path(
        "challenges/<str:pk>/history/",
        views_history.HistoryView.as_view(),
        name="challenge-history",
    ),
    path(
        "challenges/<str:pk>/assignment/",
        views_history.AssignmentView.as_view(),
        name="challenge-assignment",
    ),
    path(
        "challenges/<str:pk>/comments/", views.CommentListView.as_view(), name="challenge-comments"
    ),
    path("challenges/<str:pk>/follow/", views.FollowView.as_view(), name="challenge-follow"),
    path("good-practices/", views_good_practices.GoodPracticeListView.as_view(), name="good-practice-list"),
    path(
        "good-practices/<str:pk>/",
        views_good_practices.GoodPracticeDetailView.as_view(),
        name="good-practice-detail",
    ),
    path(
        "good-practices/<str:pk>/publish/",
        views_editorial.GoodPracticePublishView.as_view(),
        name="good-practice-publish",
    ),
    path(
        "good-practices/<str:pk>/unpublish/",
        views_editorial.GoodPracticeUnpublishView.as_view(),
        name="good-practice-unpublish",
    ),
    path(
        "recommendations/",
        views_editorial.RecommendationListView.as_view(),
        name="recommendation-list",
    ),
    path(
        "recommendations/<str:pk>/",
        views_editorial.RecommendationDetailView.as_view(),
        name="recommendation-detail",
    ),
    path(
        "recommendations/<str:pk>/publish/",
        views_editorial.RecommendationPublishView.as_view(),
        name="recommendation-publish",
    ),
    path(
        "recommendations/<str:pk>/unpublish/",
        views_editorial.RecommendationUnpublishView.as_view(),
        name="recommendation-unpublish",
    ),
    path("organisations/", views_reference.OrganisationListView.as_view(), name="organisation-list"),
    path("working-groups/", views_reference.WorkingGroupListView.as_view(), name="working-group-list"),
    path("topics/", views_reference.TopicListView.as_view(), name="topic-list"),
    path("regions/", views_reference.RegionListView.as_view(), name="region-list"),
    path("target-groups/", views_reference.TargetGroupListView.as_view(), name="target-group-list"),
    path(
        "referral-bodies/",
        views_transitions.ReferralBodyListView.as_view(),
        name="referral-body-list",
    ),
    path("stats/", views_stats.StatsView.as_view(), name="stats"),
    path("me/", views_reference.MeView.as_view(), name="me"),
    path("me/export/", views_personal_data.MeExportView.as_view(), name="me-export"),
    path("me/erasure/", views_personal_data.MeErasureView.as_view(), name="me-erasure"),
    path("materials/", views_public.MaterialListView.as_view(), name="material-list"),
    path("materials/<str:pk>/", views_public.MaterialDetailView.as_view(), name="material-detail"),
    path("news/", views_public.NewsListView.as_view(), name="news-list"),
    path("news/<str:pk>/", views_public.NewsDetailView.as_view(), name="news-detail"),
    path("events/", views_events.EventListView.as_view(), name="event-list"),
    path("events/<str:pk>/", views_events.EventDetailView.as_view(), name="event-detail"),
    path(
        "events/<str:pk>/registrations/",
        views_events.EventRegistrationsView.as_view(),
        name="event-registrations",
    ),
    path(
        "registrations/cancel/",
        views_events.RegistrationCancelView.as_view(),
        name="registration-cancel",
    ),
]

app_name = "api"
urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file, so scripts stay under our CSP
    # (script-src 'self'); Swagger UI sets inline styles, allowed on this page only.
    path(
        "docs/",
        csp_update({"style-src": ["'self'", "'unsafe-inline'"]})(
            SpectacularSwaggerSplitView.as_view(url_name="api:schema")
        ),
        name="docs",
    ),
    # Anything else under /api/ is a JSON 404 like every other API error, not an HTML page.
    re_path(r"^.*$", views.not_found, name="not-found"),
]
