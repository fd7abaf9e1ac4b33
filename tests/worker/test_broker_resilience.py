"""A worker running a task when Redis dies keeps consuming afterwards (issue 11).

kombu's crash (`'NoneType' object has no attribute 'hostname'` while restoring
unacknowledged messages after the connection was collected) is reproduced at kombu's level
first, then with a real worker and a Redis of the test's own that is killed mid-task."""

from __future__ import annotations

import pytest
import redis
from celery import Celery
from kombu import Connection, Exchange, Producer, Queue

from bench.harness import OwnRedis, product_env, start_worker, stop_process, wait_until
from worker import broker


@pytest.fixture
def own_redis():
    server = OwnRedis().start()
    yield server
    server.cleanup()


def test_unacked_message_is_restored_after_the_connection_was_collected(own_redis):
    broker.install()
    client = redis.Redis.from_url(own_redis.url)
    connection = Connection(own_redis.url)
    channel = connection.channel()
    queue = Queue("q", Exchange("q"), "q")(channel)
    queue.declare()
    Producer(channel).publish({"n": 1}, routing_key="q", exchange="q")
    message = queue.get(no_ack=False)
    assert message.payload == {"n": 1} and client.llen("q") == 0
    connection._do_close_transport()  # what Connection.collect() does on a lost broker
    channel.close()  # kombu alone: AttributeError 'NoneType' object has no attribute 'hostname'
    assert client.llen("q") == 1  # back in its queue, not waiting for the visibility timeout


def test_restore_while_redis_is_down_is_a_connection_error_not_a_crash(own_redis):
    broker.install()
    connection = Connection(own_redis.url)
    channel = connection.channel()
    queue = Queue("q2", Exchange("q2"), "q2")(channel)
    queue.declare()
    Producer(channel).publish({"n": 2}, routing_key="q2", exchange="q2")
    assert queue.get(no_ack=False) is not None
    own_redis.kill()
    connection._do_close_transport()
    with pytest.raises(redis.exceptions.ConnectionError):
        channel.close()  # a connection error: Celery reconnects instead of exiting


def test_a_worker_keeps_consuming_after_redis_is_killed_mid_task(own_redis, tmp_path):
    env = product_env(f"sqlite:///{tmp_path / 'w.db'}", own_redis.url, str(tmp_path))
    log_path = str(tmp_path / "worker.log")
    worker = start_worker(env, log_path, concurrency=1, name="resilience")
    sender = Celery(broker=own_redis.url, backend=own_redis.url)
    try:
        assert wait_until(lambda: " ready." in open(log_path).read(), 60), open(log_path).read()
        for graceful in (False, True, False):
            started = sender.send_task("advocacy.ops.canary", args=[4])
            task_id = started.id
            assert wait_until(lambda t=task_id: t in open(log_path).read(), 20)  # running
            own_redis.restart(graceful=graceful, down_for=1.0)
            assert worker.poll() is None, open(log_path).read()[-3000:]
            after = sender.send_task("advocacy.ops.canary", args=[0])
            assert after.get(timeout=60)["finished"] > 0
        assert worker.poll() is None
        assert "'NoneType' object has no attribute 'hostname'" not in open(log_path).read()
    finally:
        stop_process(worker)
        sender.close()


def test_install_is_idempotent():
    broker.install()
    from kombu.transport import redis as kombu_redis

    patched = kombu_redis.Channel._connparams
    broker.install()
    assert kombu_redis.Channel._connparams is patched
    assert not hasattr(patched.__wrapped__, "__wrapped__")
