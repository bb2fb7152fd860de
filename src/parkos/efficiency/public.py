"""What other apps (and the readers) may use of `efficiency`; the 亩均 class reaches policy rules as a registered
rule field, not through this module."""

from .selectors import class_column, class_counts, classes_of, evaluation_years, latest_result, run_latest

__all__ = ["class_column", "class_counts", "classes_of", "evaluation_years", "latest_result", "run_latest"]
