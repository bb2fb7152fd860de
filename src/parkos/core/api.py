"""What every app's API shares: page-number pagination with a page size."""

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination


class Pages(PageNumberPagination):
    """`?page=N&page_size=M` (M ≤ 500) over a list endpoint."""

    class Input(Schema):
        page: int = Field(1, ge=1)
        page_size: int = Field(50, ge=1, le=500)

    def paginate_queryset(self, queryset, pagination: Input, **params):
        self.page_size = pagination.page_size
        return super().paginate_queryset(queryset, PageNumberPagination.Input(page=pagination.page), **params)
