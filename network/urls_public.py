"""Pages of the public face: the start page (also at ``/`` for visitors, see
``network.views_start``), awareness material and news."""

from django.urls import path

from . import views_public, views_start

urlpatterns = [
    path("welcome/", views_start.start_page, name="public-start"),
    path("material/", views_public.material_list, name="material-list"),
    path("material/new/", views_public.material_new, name="material-new"),
    path("material/<int:pk>/", views_public.material_detail, name="material-detail"),
    path(
        "material/<int:pk>/download/", views_public.material_download, name="material-download"
    ),
    path("material/<int:pk>/publish/", views_public.material_publish, name="material-publish"),
    path("news/", views_public.news_list, name="news-list"),
    path("news/new/", views_public.news_new, name="news-new"),
    path("news/<int:pk>/", views_public.news_detail, name="news-detail"),
]
