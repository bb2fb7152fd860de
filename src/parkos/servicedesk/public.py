"""What other apps (and the readers) may use of `servicedesk`: scoped requests with their lights and the rating
figures."""

from .selectors import rating_metrics, request_list, with_lights

__all__ = ["rating_metrics", "request_list", "with_lights"]
