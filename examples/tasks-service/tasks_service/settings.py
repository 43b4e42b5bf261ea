"""Where the data services are: only the variables tenantctl injects for what a component talks to."""
import os
from urllib.parse import quote


def broker_url() -> str:
    user = quote(os.environ["RABBITMQ_USERNAME"], safe="")
    password = quote(os.environ["RABBITMQ_PASSWORD"], safe="")
    host = os.environ["RABBITMQ_HOST"]
    port = os.environ.get("RABBITMQ_PORT", "5672")
    # "/" is a vhost's name too: quoted, it is not taken for the path separator.
    vhost = quote(os.environ.get("RABBITMQ_VHOST", "/"), safe="")
    return f"amqp://{user}:{password}@{host}:{port}/{vhost}"


def redis_options() -> dict:
    return {
        "host": os.environ["REDIS_HOST"],
        "port": int(os.environ.get("REDIS_PORT", "6379")),
        "username": os.environ.get("REDIS_USERNAME") or None,
        "password": os.environ.get("REDIS_PASSWORD") or None,
    }


def redis_prefix() -> str:
    """The tenant's key prefix: on a zone's shared Redis its ACL user may touch nothing else."""
    return os.environ.get("REDIS_KEY_PREFIX", "")


# The queue the worker consumes and the API publishes to: durable, its messages persistent.
QUEUE = os.environ.get("TASKS_QUEUE", "tasks")
