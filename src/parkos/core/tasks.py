"""Background tasks: they only call services."""

from django_tasks import task


@task()
def import_run_task(run_id: int) -> None:
    from .services import import_run_execute

    import_run_execute(run_id=run_id)
