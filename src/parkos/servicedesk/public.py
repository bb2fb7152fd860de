"""What other apps (and the readers) may use of `servicedesk`: scoped requests with their lights. (The rating
figures are the ratings app's: ratings.public.rating_metrics.)"""

from .selectors import request_list, with_lights

__all__ = ["request_list", "with_lights"]
