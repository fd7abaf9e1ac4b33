"""The ambassador's short queue and the skip and snooze buttons."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from advocacy.access import AMBASSADOR, LEADER, participant_required, roles_required
from advocacy.content.variants import variant_for
from advocacy.db import commit_retrying, utcnow
from advocacy.extensions import db
from advocacy.queue import service

bp = Blueprint("queue", __name__)

SNOOZE_CHOICES = {"1": timedelta(days=1), "3": timedelta(days=3), "7": timedelta(days=7)}


def queue_context() -> dict:
    # A GET that writes (the impressions the fatigue limit counts): on SQLite it begins
    # deferred, so a lock met on the way is retried with a fresh read.
    queue = commit_retrying(
        lambda: service.show(current_user, utcnow(), current_app.config["QUEUE_PAGE_SIZE"]),
        commit=_commit_keeping_loaded,
    )
    return {"queue": queue, "card_text": card_text}


def card_text(post, first: str | None = None) -> str:
    """The text the card shows: the one the share page will pre-fill for this person (the
    same A/B variant), for the first network the card offers them (their own first choice;
    else LinkedIn when the post has it)."""
    networks = list(post.networks)
    if not networks:
        return ""
    network = first if first is not None and first in networks else (
        "linkedin" if "linkedin" in networks else networks[0])
    variant = variant_for(post, network, current_user.id)
    return variant.text if variant else ""


def _commit_keeping_loaded() -> None:
    """Commit without expiring what this request just loaded: otherwise the template reloads
    every post, its variants, topics and units, the user and the programme one by one
    (35 statements instead of 11 for a page of five; tests/app/test_query_counts.py)."""
    session = db.session()
    previous, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = previous


@bp.get("/queue")
@roles_required(AMBASSADOR, LEADER)
@participant_required
def index():
    return render_template("queue/index.html", **queue_context())


def _post_or_404(post_id: int):
    return service.post_for_user(current_user, post_id, utcnow()) or abort(404)


@bp.post("/queue/<int:post_id>/skip")
@roles_required(AMBASSADOR, LEADER)
@participant_required
def skip(post_id: int):
    post = _post_or_404(post_id)
    service.skip(current_user, post, utcnow())
    db.session.commit()
    flash(_("“%(title)s” is removed from your queue.", title=post.title), "info")
    return redirect(url_for("queue.index"))


@bp.post("/queue/<int:post_id>/snooze")
@roles_required(AMBASSADOR, LEADER)
@participant_required
def snooze(post_id: int):
    post = _post_or_404(post_id)
    delta = SNOOZE_CHOICES.get(request.form.get("days", ""))
    if delta is None:
        flash(_("Choose how long to snooze."), "error")
        return render_template("queue/index.html", **queue_context()), 400
    now = utcnow()
    service.snooze(current_user, post, now + delta, now)
    db.session.commit()
    flash(
        ngettext(
            "“%(title)s” comes back in %(num)d day.",
            "“%(title)s” comes back in %(num)d days.",
            delta.days,
            title=post.title,
        ),
        "info",
    )
    return redirect(url_for("queue.index"))
