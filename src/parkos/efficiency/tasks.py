"""Background tasks: they only call services."""

from django_tasks import task


@task()
def evaluation_run_task(run_id: int) -> None:
    from .services import evaluation_run_execute

    evaluation_run_execute(run_id=run_id)
