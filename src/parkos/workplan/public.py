"""What other apps (and the readers) may use of `workplan`: scoped plans, the board and the department ranking."""

from .selectors import board, my_tasks, plan_list, ranking

__all__ = ["board", "my_tasks", "plan_list", "ranking"]
