"""One task style (issue 12): every task name is a constant of advocacy.tasknames, named
advocacy.<feature>.<verb>, registered by the worker, and nothing sends or schedules a task
by a literal name; old names are passed on to the new ones."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from advocacy import tasknames

ROOT = Path(__file__).resolve().parents[2]
SENDERS = {"enqueue", "send_task", "task"}  # jobs.enqueue, Celery.send_task, @celery.task


def registered():
    """The worker's tasks as a starting worker has them (its `include` modules imported)."""
    from worker import celery

    celery.loader.import_default_modules()
    return celery.tasks


def test_every_name_is_registered_and_follows_the_pattern():
    tasks = registered()
    names = tasknames.all_names()
    assert len(names) >= 13
    for name in names:
        assert re.fullmatch(r"advocacy\.[a-z_]+\.[a-z_]+", name), name
        assert name in tasks, f"{name} is sent or scheduled but no worker runs it"
    ours = {name for name in tasks if not name.startswith("celery.")}
    assert ours == names | set(tasknames.RENAMED), ours ^ (names | set(tasknames.RENAMED))


def test_every_scheduled_task_is_a_registered_name():
    from worker.schedule import SCHEDULE

    assert {entry["task"] for entry in SCHEDULE.values()} <= tasknames.all_names()


def _literal_task_names(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if called not in SENDERS:
            continue
        candidates = list(node.args[:1]) + [k.value for k in node.keywords if k.arg == "name"]
        for value in candidates:
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                found.append((node.lineno, value.value))
    return found


def test_nothing_sends_or_registers_a_task_by_a_literal_name():
    literal = []
    for folder in ("advocacy", "worker"):
        for path in (ROOT / folder).rglob("*.py"):
            literal += [f"{path.relative_to(ROOT)}:{line}: {name!r}"
                        for line, name in _literal_task_names(path)]
    assert literal == []
    # the check itself finds a literal where there is one
    sample = ROOT / "tests" / "worker" / "_literal_sample.py"
    sample.write_text('enqueue("advocacy.x.y", 1)\n@celery.task(name="advocacy.a.b")\n'
                      'def f(): pass\n')
    try:
        assert [name for _line, name in _literal_task_names(sample)] == \
            ["advocacy.x.y", "advocacy.a.b"]
    finally:
        sample.unlink()


def test_a_message_under_an_old_name_is_passed_on_under_the_new_one(app, monkeypatch):
    from worker import celery

    registered()
    sent = []
    monkeypatch.setattr(celery, "send_task",
                        lambda name, args=(), kwargs=None: sent.append((name, list(args))) or
                        type("Result", (), {"id": "x"})())
    celery.tasks["advocacy.send_welcome_email"](7)
    celery.tasks["privacy.build_export"](3)
    assert sent == [(tasknames.SEND_WELCOME, [7]), (tasknames.BUILD_EXPORT, [3])]
