"""What other apps may use of `projects`: signing a lead creates a key project. (Decided approval items are rated
through the kernel's rating-target registry: projects/ratings.py.)"""

from __future__ import annotations

from .models import Category, Level
from .services import project_create, project_transition

__all__ = [
    "Category",
    "Level",
    "project_create",
    "project_transition",
]
