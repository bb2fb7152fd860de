"""What other apps (and the readers) may use of `investment`: scoped leads, the funnel and the year's summary."""

from .selectors import funnel_counts, lead_list, summary

__all__ = ["funnel_counts", "lead_list", "summary"]
