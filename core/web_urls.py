"""Sign-in, sign-out, password reset and the partner application (pages of the network base)."""

urlpatterns: list = []
