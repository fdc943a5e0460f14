"""Pages of the notifications app at the site's top level (``/preferences/``); the mail links
(unsubscribe) are in ``notifications.urls`` under ``/notifications/``."""

from django.urls import path

from . import views_preferences

urlpatterns = [
    path("preferences/", views_preferences.preferences, name="preferences"),
]
