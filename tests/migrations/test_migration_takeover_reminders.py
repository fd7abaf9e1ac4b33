"""Migration 0021_takeover_reminders moves unsent takeover reminders into the reminders table
(the one reminder system) and drops the old table; downgrading brings them back."""

from __future__ import annotations

import importlib.util
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, inspect, text

from tests.conftest import make_app, own_database

MIGRATION = Path(__file__).resolve().parents[2] / "migrations/versions/0021_takeover_reminders.py"


def previous_revision() -> str:
    spec = importlib.util.spec_from_file_location("m0021", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.down_revision


def test_unsent_reminders_of_coming_days_move_and_come_back_on_downgrade(tmp_path):
    with own_database("advocacy_mig21", tmp_path) as url:
        app = make_app(url)
        runner = app.test_cli_runner()
        assert runner.invoke(args=["db", "upgrade", previous_revision()]).exit_code == 0
        engine = create_engine(url)
        soon = (datetime.now(UTC) + timedelta(days=5)).date()
        gone = (datetime.now(UTC) - timedelta(days=5)).date()
        now = datetime.now(UTC)
        with engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO users (id, email, name, password_hash, title, locale, active, "
                "created_at, session_version) VALUES (1, 'a@example.org', 'A', '', '', 'nb', "
                ":t, :now, 1)"), {"t": True, "now": now})
            for tid, day, sent in ((1, soon, None), (2, gone, None), (3, soon, now)):
                conn.execute(text(
                    "INSERT INTO takeovers (id, user_id, account, day, plan, status, "
                    "decision_note, created_at) VALUES (:id, 1, :acc, :day, '', 'approved', '', "
                    ":now)"), {"id": tid, "acc": f"Instagram {tid}", "day": day, "now": now})
                conn.execute(text(
                    "INSERT INTO takeover_reminders (takeover_id, dedupe_key, due_at, sent_at) "
                    "VALUES (:id, :key, :due, :sent)"),
                    {"id": tid, "key": f"takeover:{tid}:day-before", "due": now, "sent": sent})
        assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
        assert "takeover_reminders" not in inspect(engine).get_table_names()
        with engine.connect() as conn:
            rows = conn.execute(text(
                "SELECT period, payload FROM reminders WHERE kind = 'takeover'")).all()
        assert [period for period, _payload in rows] == ["takeover:1:day-before"]
        payload = rows[0][1]
        payload = payload if isinstance(payload, dict) else json.loads(payload)
        assert payload["account"] == "Instagram 1" and payload["day"] == soon.isoformat()
        assert runner.invoke(args=["db", "downgrade", previous_revision()]).exit_code == 0
        with engine.connect() as conn:
            back = conn.execute(text("SELECT dedupe_key FROM takeover_reminders")).all()
            left = conn.execute(text("SELECT count(*) FROM reminders")).scalar()
        assert back == [("takeover:1:day-before",)] and left == 0
        engine.dispose()
        with app.app_context():
            from advocacy.extensions import db

            db.engine.dispose()
