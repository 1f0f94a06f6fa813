"""The Celery application. Tasks run in Celery workers when REDIS_URL is set; without it they
run eagerly in the calling process (the embedded default and the test suite).

Production (docs/deployment.md): Redis is the broker, `celery -A malpro worker` runs the tasks
and one `celery -A malpro beat` schedules the periodic ones (settings.CELERY_BEAT_SCHEDULE).
Every task may run twice (a task is acknowledged after it ran, so a worker that dies mid-task
leaves it to be delivered again) and is written to make the second run do nothing new.
"""

import os

from celery import Celery
from kombu import Exchange, Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "malpro.settings")

app = Celery("malpro")
app.config_from_object("django.conf:settings", namespace="CELERY")

# Two queues, both consumed by a plain `celery -A malpro worker` (a worker takes every queue
# listed here unless given -Q): "celery" for everything, "messages" for the outbox's sending,
# so that a city can give messages workers of their own (`-Q messages`) and a burst of
# thousands of messages never waits behind a long job, nor a long job behind the messages.
MESSAGES_QUEUE = "messages"
app.conf.task_default_queue = "celery"
# Each queue its own routing key: two queues on one key would both get every task.
_exchange = Exchange("celery", type="direct")
app.conf.task_queues = (
    Queue("celery", _exchange, routing_key="celery"),
    Queue(MESSAGES_QUEUE, _exchange, routing_key=MESSAGES_QUEUE),
)
app.conf.task_routes = {
    "notifications.send": {"queue": MESSAGES_QUEUE},
    "notifications.send_due": {"queue": MESSAGES_QUEUE},
}
# A task runs at most an hour (prefork pool): longer means it is stuck. Redis hands an
# unacknowledged task to another worker only after the visibility timeout, so it must exceed
# the longest task, or a slow task would run twice at the same time.
app.conf.task_time_limit = 60 * 60
app.conf.task_soft_time_limit = 55 * 60
app.conf.broker_transport_options = {"visibility_timeout": 2 * 60 * 60}
app.conf.result_backend_transport_options = {"visibility_timeout": 2 * 60 * 60}
# When the connection to Redis drops, tasks already running are given up (they come back,
# acks_late) rather than finishing while Redis hands them to another worker.
app.conf.worker_cancel_long_running_tasks_on_connection_loss = True
app.conf.broker_connection_retry_on_startup = True
# A worker process is replaced after 1,000 tasks, which bounds any slow leak of memory.
app.conf.worker_max_tasks_per_child = 1000
app.conf.result_expires = 24 * 60 * 60
app.autodiscover_tasks()
