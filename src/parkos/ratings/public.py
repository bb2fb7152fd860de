"""What other apps may use of `ratings` (好差评): rate a service they registered as a rating target, read its
rating, list what an enterprise may still rate, the rating form and settings, and the figures for the readers."""

from .forms import RateForm
from .models import BAD_REASONS, Level, RatingConfig
from .selectors import levels_of, rated_ids, rating_metrics, rating_of, to_rate
from .services import rate

__all__ = [
    "BAD_REASONS",
    "Level",
    "levels_of",
    "RateForm",
    "RatingConfig",
    "rate",
    "rated_ids",
    "rating_metrics",
    "rating_of",
    "to_rate",
]
