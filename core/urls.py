from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from core import views_account

urlpatterns = [
    # Django's language switch, which also stores a signed-in person's choice.
    path("i18n/setlang/", views_account.set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path("notifications/", include("notifications.urls")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("", include("core.web_urls")),
    path("", include("notifications.web_urls")),
    path("", include("workflows.urls")),
    path("", include("network.urls_events")),
    path("", include("network.urls_public")),
]

if getattr(settings, "DEV_MAIL_VIEWER", False):  # `make run` only: what the embedded default "sent"
    from core import dev_mail

    urlpatterns.insert(0, path("dev/mail/", dev_mail.mail_list, name="dev-mail"))
    urlpatterns.insert(1, path("dev/mail/<str:ref>/", dev_mail.mail_detail, name="dev-mail-detail"))
    urlpatterns.insert(2, path("dev/mail/<str:ref>/html/", dev_mail.mail_html, name="dev-mail-html"))
