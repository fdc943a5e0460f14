"""Sign-in, sign-out, password reset and the partner application (pages of the network base).
The challenge and good-practice pages are in ``workflows.urls``, the preferences page in
``notifications.web_urls``."""

from django.contrib.auth import views as auth_views
from django.urls import path

from core import privacy_views, views
from core.forms import SignInForm

urlpatterns = [
    path(
        "sign-in/",
        auth_views.LoginView.as_view(authentication_form=SignInForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("password-reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("apply/", views.apply, name="apply"),
    path("apply/thanks/", views.apply_done, name="apply-done"),
    path("applications/", views.applications, name="applications"),
    path("applications/<int:pk>/admit/", views.application_admit, name="application-admit"),
    path(
        "applications/<int:pk>/decline/", views.application_decline, name="application-decline"
    ),
    path("privacy/", privacy_views.privacy, name="privacy"),
    path("imprint/", privacy_views.imprint, name="imprint"),
    path("my-data/", privacy_views.my_data, name="my-data"),
    path("my-data/export/", privacy_views.my_data_export, name="my-data-export"),
    path("my-data/erasure/", privacy_views.my_data_erasure, name="my-data-erasure"),
    path(
        "my-data/erasure/withdraw/",
        privacy_views.my_data_erasure_withdraw,
        name="my-data-erasure-withdraw",
    ),
    path("data-protection/", privacy_views.data_protection, name="data-protection"),
    path(
        "data-protection/people/<int:pk>/export/",
        privacy_views.person_export,
        name="data-protection-export",
    ),
    path(
        "data-protection/requests/<int:pk>/confirm/",
        privacy_views.erasure_confirm,
        name="data-protection-confirm",
    ),
    path(
        "data-protection/requests/<int:pk>/decline/",
        privacy_views.erasure_decline,
        name="data-protection-decline",
    ),
]
