"""Saving a form: run the service call; on its refusal roll back and say why, else commit.

Every view that writes does the same steps: call a service, then either (it refused) roll
the session back and show the refusal, or (it worked) commit, flash and redirect.
`attempt` is the first half, `saved` the second (docs/architecture.md, Conventions):

    with attempt(AccountError, form=form, field="name") as tried:
        unit = service.create_unit(form.name.data, parent)
        audit.record(...)
    if tried.ok:
        return saved(_("The unit is added."), url_for("accounts.units"))
    return render_template(...), 400

A refusal puts each message on its field: from its `errors` mapping ({field: message}, as
the features' errors carry), else its `field` attribute; a message about no field of the
form goes on `field` (flashed when there is none). Without a form (a button, not a form)
the first message is flashed as an error instead.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

from flask import flash, redirect
from werkzeug.wrappers import Response

from advocacy.extensions import db


@dataclass
class Tried:
    """What `attempt` saw: `ok` until the service refused, then the refusal and its messages."""

    error: Exception | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def messages(error: Exception) -> list[tuple[str | None, str]]:
    """A refusal's messages with the field each is about (None: not about one field).

    From its `errors` mapping ({field: message or [messages]}), else its `field` and text."""
    found = getattr(error, "errors", None)
    if isinstance(found, Mapping) and found:
        return [(name, str(message)) for name, value in found.items()
                for message in (value if isinstance(value, list | tuple) else [value])]
    return [(getattr(error, "field", None), str(error))]


@contextmanager
def attempt(errors: type[Exception] | tuple[type[Exception], ...], *, form=None,
            field: str | None = None) -> Iterator[Tried]:
    """Run the block; if it raises one of `errors`, roll back and show the refusal."""
    tried = Tried()
    try:
        yield tried
    except errors as error:
        db.session.rollback()
        tried.error = error
        if form is None:
            flash(messages(error)[0][1], "error")
            return
        for name, message in messages(error):
            key = name if name is not None and name in form else field
            if key is None:
                flash(message, "error")
            else:
                form[key].errors = [*form[key].errors, message]


def saved(message: str, location: str) -> Response:
    """Commit what the view did, say so, and send the browser on."""
    db.session.commit()
    flash(message, "success")
    return redirect(location)
