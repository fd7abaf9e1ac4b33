"""The one form-saving helper (advocacy/formsave.py): a refusal rolls back and says why."""

from __future__ import annotations

from flask import get_flashed_messages
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import StringField

from advocacy.accounts.models import Unit
from advocacy.formsave import attempt, saved
from tests import factories as f


class Refused(ValueError):
    def __init__(self, errors):
        super().__init__("refused")
        self.errors = errors


class FieldRefused(ValueError):
    def __init__(self, field, message):
        super().__init__(message)
        self.field = field


class TwoFields(FlaskForm):
    class Meta:
        csrf = False

    name = StringField()
    email = StringField()


def _units() -> list[str]:
    from advocacy.extensions import db

    return list(db.session.scalars(select(Unit.name).order_by(Unit.name)))


def test_a_refusal_rolls_back_the_block_and_puts_each_message_on_its_field(app, db_session):
    with app.test_request_context("/", method="POST"):
        form = TwoFields()
        with attempt(Refused, form=form, field="email") as tried:
            f.unit("Written, then rolled back")
            raise Refused({"name": "Too long.", "unknown": "About something else.",
                           "email": ["Taken.", "Malformed."]})
        assert not tried.ok and isinstance(tried.error, Refused)
        assert form.name.errors == ["Too long."]
        assert form.email.errors == ["About something else.", "Taken.", "Malformed."]
        assert _units() == []


def test_an_error_names_its_field_or_falls_back_to_the_default(app, db_session):
    with app.test_request_context("/", method="POST"):
        form = TwoFields()
        with attempt(FieldRefused, form=form, field="email") as tried:
            raise FieldRefused("name", "Choose another name.")
        with attempt(ValueError, form=form, field="email"):
            raise ValueError("Enter a valid e-mail address.")
        assert not tried.ok
        assert form.name.errors == ["Choose another name."]
        assert form.email.errors == ["Enter a valid e-mail address."]


def test_without_a_form_or_a_field_the_message_is_flashed(app, db_session):
    with app.test_request_context("/", method="POST"):
        with attempt(Refused):
            raise Refused({"status": "Already answered.", "other": "Not shown."})
        form = TwoFields()
        with attempt(Refused, form=form):
            raise Refused({"nowhere": "No such field."})
        assert get_flashed_messages(with_categories=True) == [
            ("error", "Already answered."), ("error", "No such field.")]


def test_other_errors_are_not_swallowed_and_a_success_commits(app, db_session):
    with app.test_request_context("/", method="POST"):
        try:
            with attempt(Refused):
                raise KeyError("a bug, not a refusal")
        except KeyError:
            pass
        else:
            raise AssertionError("attempt swallowed an error it was not given")
        with attempt(Refused) as tried:
            f.unit("Kept")
        assert tried.ok
        response = saved("Saved.", "/next")
        assert response.status_code == 302 and response.location == "/next"
        assert get_flashed_messages(with_categories=True) == [("success", "Saved.")]
        db_session.rollback()
        assert _units() == ["Kept"]
