"""Background tasks: they only call services."""

from django_tasks import task


@task()
def match_run_task(run_id: int) -> None:
    from .services import match_run_execute

    match_run_execute(run_id=run_id)
