"""Sign-in, sign-out, password reset and the partner application (pages of the network base).
The challenge and good-practice pages are in ``workflows.urls``, the preferences page in
``notifications.web_urls``."""

from django.contrib.auth import views as auth_views
from django.urls import path

from core import (
    privacy_views,
    views,
    views_account,
    views_email_change,
    views_joining,
    views_tokens,
    views_two_factor,
)
from core.password_reset import ResetRequestView

urlpatterns = [
    path("sign-in/", views_two_factor.SignInView.as_view(), name="login"),
    path("sign-in/code/", views_two_factor.sign_in_code, name="sign-in-code"),
    path("account/", views_account.account, name="account"),
    path("account/password/", views_account.PasswordChangeView.as_view(), name="password-change"),
    path(
        "account/password/changed/",
        views_account.PasswordChangeDoneView.as_view(),
        name="password-change-done",
    ),
    path("account/email/", views_email_change.email_change_request, name="email-change"),
    path(
        "account/email/confirm/<str:token>/",
        views_email_change.email_change_confirm,
        name="email-change-confirm",
    ),
    path("account/two-factor/", views_two_factor.two_factor_page, name="two-factor"),
    path("account/two-factor/set-up/", views_two_factor.two_factor_setup, name="two-factor-setup"),
    path("account/two-factor/off/", views_two_factor.two_factor_disable, name="two-factor-off"),
    path(
        "account/two-factor/recovery-codes/",
        views_two_factor.recovery_codes_renew,
        name="two-factor-recovery-codes",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("password-reset/", ResetRequestView.as_view(), name="password_reset"),
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
    path("account/api-tokens/", views_tokens.api_tokens, name="api-tokens"),
    path(
        "account/api-tokens/<int:pk>/revoke/",
        views_tokens.api_token_revoke,
        name="api-token-revoke",
    ),
    path("apply/", views.apply, name="apply"),
    path("apply/thanks/", views.apply_done, name="apply-done"),
    path("applications/", views.applications, name="applications"),
    path("applications/<int:pk>/admit/", views.application_admit, name="application-admit"),
    path(
        "applications/<int:pk>/decline/", views.application_decline, name="application-decline"
    ),
    path("join/", views_joining.join, name="join"),
    path("join/thanks/", views_joining.join_done, name="join-done"),
    path("join-requests/", views_joining.join_requests, name="join-requests"),
    path("join-requests/<int:pk>/admit/", views_joining.join_request_admit, name="join-request-admit"),
    path(
        "join-requests/<int:pk>/decline/", views_joining.join_request_decline,
        name="join-request-decline",
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
