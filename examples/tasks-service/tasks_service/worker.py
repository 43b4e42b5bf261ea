"""The Celery worker: one task, acknowledged late, so that a worker killed in the middle of it
leaves the message to RabbitMQ, which delivers it again; the result is written once."""
import hashlib
import time

from celery import Celery
from celery.signals import worker_process_init

from . import db, settings

app = Celery("tasks_service", broker=settings.broker_url())
app.conf.update(
    task_default_queue=settings.QUEUE,
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_ignore_result=True,
    broker_connection_retry_on_startup=True,
    worker_hijack_root_logger=False,
)


@worker_process_init.connect
def _schema(**_kwargs) -> None:
    db.ensure_schema()


@app.task(name="tasks_service.process")
def process(task_id: str) -> None:
    with db.connect() as conn:
        row = conn.execute(
            "UPDATE tasks SET attempts = attempts + 1, status = 'running' "
            "WHERE id = %s AND status <> 'done' RETURNING text, seconds",
            (task_id,),
        ).fetchone()
        if row is None:  # done already (a redelivery after the result was written), or unknown
            return
        text, seconds = row
        if seconds > 0:
            time.sleep(seconds)
        result = hashlib.sha256(text.encode()).hexdigest()
        conn.execute(
            "UPDATE tasks SET status = 'done', result = %s, completions = completions + 1, "
            "finished_at = now() WHERE id = %s AND status <> 'done'",
            (result, task_id),
        )
