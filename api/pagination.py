from rest_framework.pagination import PageNumberPagination


class StandardPagination(PageNumberPagination):
    """``page`` and ``page_size`` (default 50, at most 200: larger values are capped)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
