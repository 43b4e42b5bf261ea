"""The API: POST /tasks enqueues a task, GET /tasks/{id} reads it back (finished results from
Redis when cached), GET /healthz answers when PostgreSQL does."""
import json
import uuid

import redis
from fastapi import FastAPI, HTTPException
from pydantic import BaseModel, Field

from . import db, settings
from .worker import app as celery

api_cache = redis.Redis(**settings.redis_options(), decode_responses=True)
app = FastAPI(title="tasks-service")


class NewTask(BaseModel):
    text: str = Field(max_length=10_000)
    seconds: float = Field(default=0, ge=0, le=60)


@app.on_event("startup")
def _schema() -> None:
    db.ensure_schema()


@app.get("/healthz")
def healthz() -> dict:
    with db.connect() as conn:
        conn.execute("SELECT 1")
    return {"ok": True}


@app.post("/tasks", status_code=202)
def create(task: NewTask) -> dict:
    task_id = str(uuid.uuid4())
    with db.connect() as conn:
        conn.execute("INSERT INTO tasks (id, text, seconds) VALUES (%s, %s, %s)", (task_id, task.text, task.seconds))
    celery.send_task("tasks_service.process", args=[task_id], queue=settings.QUEUE)
    return {"id": task_id}


@app.get("/tasks/{task_id}")
def read(task_id: uuid.UUID) -> dict:
    key = f"{settings.redis_prefix()}task:{task_id}"
    cached = api_cache.get(key)
    if cached is not None:
        return {**json.loads(cached), "cached": True}
    with db.connect() as conn:
        row = conn.execute(
            "SELECT status, result, attempts, completions FROM tasks WHERE id = %s", (str(task_id),)
        ).fetchone()
    if row is None:
        raise HTTPException(status_code=404, detail="no such task")
    status, result, attempts, completions = row
    body = {"id": str(task_id), "status": status, "result": result, "attempts": attempts, "completions": completions}
    if status == "done":
        api_cache.set(key, json.dumps(body), ex=3600)
    return {**body, "cached": False}


@app.get("/stats")
def stats() -> dict:
    with db.connect() as conn:
        rows = conn.execute("SELECT status, count(*) FROM tasks GROUP BY status").fetchall()
    return {status: count for status, count in rows}
