from django.urls import path

from . import views_events as views

app_name = "events"

urlpatterns = [
    path("events/", views.event_list, name="list"),
    path("events.ics", views.public_feed, name="public-feed"),
    path("events/new/", views.event_new, name="new"),
    path("events/calendar-feed/", views.calendar_feed_settings, name="feed-settings"),
    path("events/feed/<str:token>.ics", views.personal_feed, name="personal-feed"),
    path("events/cancel/<str:token>/", views.registration_cancel, name="cancel"),
    path("events/<int:pk>/", views.event_detail, name="detail"),
    path("events/<int:pk>/register/", views.event_register, name="register"),
    path("events/<int:pk>/publish/", views.event_publish, name="publish"),
    path("events/<int:pk>/programme/", views.programme_session_add, name="session-add"),
    path("events/<int:pk>/co-organise/", views.co_organiser_offer, name="co-organise"),
    path("events/<int:pk>/co-organise/<int:offer_pk>/", views.co_organiser_decide, name="co-organise-decide"),
    path("events/<int:pk>/attendees/", views.event_attendees, name="attendees"),
    path("events/<int:pk>/attendees.csv", views.event_attendees_csv, name="attendees-csv"),
]
