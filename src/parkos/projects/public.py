"""What other apps may use of `projects`: signing a lead creates a key project; whether a user may open one; the projects placed on the map.
(Decided approval items are rated through the kernel's rating-target registry: projects/ratings.py.)"""

from __future__ import annotations

from .models import Category, Level
from .selectors import located, may_view_project
from .services import project_create, project_transition

__all__ = [
    "Category",
    "Level",
    "located",
    "may_view_project",
    "project_create",
    "project_transition",
]
