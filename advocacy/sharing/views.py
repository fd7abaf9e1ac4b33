"""The share page: edit the text, then go to the network's own share page with a tracked link."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, url_for
from flask_login import current_user

from advocacy.access import AMBASSADOR, LEADER, participant_required, roles_required
from advocacy.content import alt_text
from advocacy.content.models import NETWORK_LIMITS
from advocacy.content.networks import offer_for
from advocacy.content.post_input import network_label
from advocacy.content.variants import variant_for
from advocacy.db import utcnow
from advocacy.extensions import db
from advocacy.formats import datetimeformat
from advocacy.formsave import attempt
from advocacy.queue.service import post_for_user
from advocacy.sharing import service
from advocacy.sharing.forms import ShareForm
from advocacy.sharing.models import Share

bp = Blueprint("sharing", __name__)


@bp.route("/share/<int:post_id>/<network>", methods=["GET", "POST"])
@roles_required(AMBASSADOR, LEADER)
@participant_required
def compose(post_id: int, network: str):
    now = utcnow()
    post = post_for_user(current_user, post_id, now, closed_too=True) or abort(404)
    if post.deadline_passed(now):
        # A job past its deadline is refused with the reason, on GET and POST alike.
        deadline = datetimeformat(post.deadline_at, "short")
        return render_template("sharing/closed.html", post=post, deadline=deadline), 410
    variant = variant_for(post, network, current_user.id) if network in NETWORK_LIMITS else None
    if variant is None:
        abort(404)
    offer = offer_for(current_user, post)
    if network not in offer.networks:
        # The person keeps this network free of job ads (docs/networks.md): say so.
        return render_template("sharing/not_offered.html", post=post, offer=offer,
                               network_name=network_label(network)), 403
    form = ShareForm()
    if not form.is_submitted():
        form.text.data = variant.text
    if form.validate_on_submit():
        with attempt(service.ShareError, form=form, field="text") as tried:
            record = service.share(current_user, post, network, form.text.data or "", now)
        if tried.ok:
            db.session.commit()
            return redirect(url_for("sharing.ready", share_id=record.id))
    return render_template(
        "sharing/compose.html",
        form=form,
        post=post,
        network=network,
        network_name=network_label(network),
        limit=NETWORK_LIMITS[network],
        offer=offer,
    ), (400 if form.errors else 200)


@bp.get("/shares/<int:share_id>")
@roles_required(AMBASSADOR, LEADER)
def ready(share_id: int):
    record = db.session.get(Share, share_id)
    if record is None or record.user_id != current_user.id:
        abort(404)
    # The public address, not the one this request came in on (which may be behind a proxy).
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    tracked = base + url_for("tracking.redirect_token", token=record.token)
    return render_template(
        "sharing/ready.html",
        share=record,
        tracked_url=tracked,
        network_name=network_label(record.network),
        network_url=service.network_share_url(record.network, tracked, record.text),
        image_alt=(record.post.image_alt if record.post.image_name
                   and record.network in alt_text.NETWORKS_WITH_ALT else ""),
    )
