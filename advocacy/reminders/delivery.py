"""Sending a batch of reminders, each at most once and none dropped.

1. Claim: one conditional UPDATE gives this execution (a fresh token) every row of the batch
   that is still pending, due, and either leased to this batch by the scan or whose lease
   has run out. It is committed before anything is sent, so a second delivery of the same
   task (or a second worker) finds nothing left to claim.
2. Send each row, then mark it sent in its own short transaction at once (UPDATE ... WHERE
   claim_token = ours). A killed worker leaves its unsent rows leased; when the lease runs
   out the next scan hands them to a new batch.
3. The residual risk, stated honestly: if the process dies after the SMTP server accepted a
   message and before the "sent" commit, that one message is sent again after the lease
   expires. SMTP has no idempotency key, so (a) every message carries a Message-ID derived
   from the reminder's dedupe key, the same on every resend, which mail programs fold into
   one; (b) on PostgreSQL the row is marked sent before the hand-off in an open transaction
   that commits right after the server's "250" (send_marked), so the window is one COMMIT.

Failures never stop the batch: a temporary one (SMTP 4xx, connection refused, webhook 5xx or
timeout) moves `due_at` back with exponential backoff; after REMINDER_MAX_ATTEMPTS, or on a
permanent one (SMTP 5xx, webhook 4xx, a malformed URL), the row is FAILED with the reason,
which curators and admins see on the reminders page.
"""

from __future__ import annotations

import json
import logging
import random
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta
from email.message import Message
from email.policy import compat32
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import or_, select, update
from sqlalchemy.exc import OperationalError

from advocacy import mail
from advocacy.accounts.models import User
from advocacy.content.models import Post
from advocacy.content.networks import offer, profile_of
from advocacy.db import rowcount, utcnow
from advocacy.extensions import db
from advocacy.formats import dateformat
from advocacy.orgtime import org_tz
from advocacy.programme.models import Programme
from advocacy.reminders import hours, preferences, settings
from advocacy.reminders.models import Channel, Kind, Reminder, Status
from advocacy.reminders.tokens import LoginLinks, login_serializer, open_token, unsubscribe_token

log = logging.getLogger(__name__)

WEBHOOK_TIMEOUT = 10
BACKOFF_BASE = 60
BACKOFF_MAX = 3600
WRITE_TRIES = 5
UNFOLDED = compat32.clone(max_line_length=998)
# Column values that give a row's lease back.
RELEASED: dict[str, Any] = dict.fromkeys(("claim_token", "claimed_until"))


class TemporaryFailure(Exception):
    """Worth trying again later."""


class PermanentFailure(Exception):
    """Trying again will not help; shown to admins."""


def backoff(attempts: int) -> timedelta:
    """60 s, 2, 4, 8 ... minutes up to an hour, with jitter so retries do not arrive together."""
    ceiling = min(BACKOFF_MAX, BACKOFF_BASE * 2 ** max(attempts - 1, 0))
    return timedelta(seconds=ceiling / 2 + random.uniform(0, ceiling / 2))  # nosec B311


class SmtpConnection:
    """The batch's one SMTP connection (advocacy.mail.Connection), failures classified."""

    def __init__(self) -> None:
        self.connection = mail.Connection()

    def send(self, message: Message) -> None:
        try:
            self.connection.send(message)
        except Exception as exc:
            if mail.is_temporary(exc):
                raise TemporaryFailure(f"SMTP: {exc}") from exc
            raise PermanentFailure(f"SMTP refused: {exc}") from exc

    def close(self) -> None:
        self.connection.close()


def post_webhook(url: str, service_kind: str, text: str, link: str | None) -> None:
    """POST one message to a Teams or Slack incoming webhook."""
    problem = settings.webhook_problem(url)
    if problem or not url:
        raise PermanentFailure(f"webhook address refused: {problem or 'none configured'}")
    if service_kind == "teams":
        body: dict[str, Any] = {
            "@type": "MessageCard", "@context": "https://schema.org/extensions",
            "summary": text[:80], "text": text + (f"\n\n[{link}]({link})" if link else ""),
        }
    else:
        body = {"text": text + (f"\n<{link}>" if link else "")}
    request = urllib.request.Request(  # noqa: S310 - scheme checked by webhook_problem
        url, data=json.dumps(body).encode(), method="POST",
        headers={"Content-Type": "application/json", "User-Agent": "advocacy-reminders"},
    )
    try:
        # The scheme was checked above: https, or http to this machine only.
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT) as response:  # nosec B310
            response.read(1024)
    except urllib.error.HTTPError as exc:
        if exc.code == 429 or exc.code >= 500:
            raise TemporaryFailure(f"webhook answered {exc.code}") from exc
        raise PermanentFailure(f"webhook refused the message: HTTP {exc.code}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise TemporaryFailure(f"webhook unreachable: {exc}") from exc
    except ValueError as exc:
        raise PermanentFailure(f"webhook address refused: {exc}") from exc


class Batch:
    """The state of one execution of a batch task."""

    def __init__(self, batch_token: str, ids: list[int], commit: Callable[[], None],
                 clock: Callable[[], datetime]) -> None:
        self.batch_token = batch_token
        self.ids = ids
        self.commit = commit
        self.clock = clock
        self.token = uuid.uuid4().hex
        config = current_app.config
        self.lease = timedelta(seconds=config["REMINDER_SEND_LEASE"])
        self.max_attempts = config["REMINDER_MAX_ATTEMPTS"]
        self.smtp = SmtpConnection()
        self.tz = org_tz()
        self.settings = settings.read_settings()
        self.posts: dict[int, Post] = {}
        self.counts = {"sent": 0, "failed": 0, "skipped": 0, "later": 0, "claimed": 0}
        self.sender = config["MAIL_FROM"]
        self.domain = self.sender.rpartition("@")[2] or "localhost"
        self.urls = mail.public_urls()
        self.preferences_url = self.url("reminders.preferences")
        self.login_serializer = login_serializer()
        # See send_marked(): PostgreSQL locks a row, SQLite would lock the whole database.
        self.mark_before_send = db.session.get_bind().dialect.name == "postgresql"
        programme = db.session.get(Programme, 1)
        self.programme_name = programme.name if programme and programme.name else None

    def url(self, endpoint: str, **values: Any) -> str:
        return self.urls.build(endpoint, values, force_external=True)

    # -- the lease ------------------------------------------------------------------------

    def claim(self) -> list[Reminder]:
        now = self.clock()
        claimed = self.write(
            update(Reminder).where(
                Reminder.id.in_(self.ids),
                Reminder.status == Status.PENDING,
                Reminder.sent_at.is_(None),
                Reminder.due_at <= now,
                or_(Reminder.claim_token == self.batch_token,
                    Reminder.claimed_until.is_(None),
                    Reminder.claimed_until < now),
            ).values(claim_token=self.token, claimed_until=now + self.lease)
        )
        self.renewed = now
        self.counts["claimed"] = claimed
        if not self.counts["claimed"]:
            return []
        return list(db.session.scalars(
            select(Reminder).where(Reminder.claim_token == self.token,
                                   Reminder.status == Status.PENDING).order_by(Reminder.id)
        ))

    def renew_if_needed(self, now: datetime) -> None:
        if now - self.renewed < self.lease / 2:
            return
        self.write(update(Reminder).where(Reminder.claim_token == self.token,
                                          Reminder.status == Status.PENDING)
                   .values(claimed_until=now + self.lease))
        self.renewed = now

    def write(self, statement) -> int:
        """One short write transaction of its own, retried briefly if the database is busy.

        The read transaction before it is ended first: on SQLite a read snapshot cannot be
        upgraded to a write once another process has committed (SQLITE_BUSY_SNAPSHOT), and a
        fresh transaction that starts with the write waits for the lock instead.
        """
        for attempt in range(WRITE_TRIES):
            try:
                self.commit()
                result = db.session.execute(
                    statement.execution_options(synchronize_session=False))
                self.commit()
                return rowcount(result)
            except OperationalError:
                db.session.rollback()
                if attempt == WRITE_TRIES - 1:
                    raise
                time.sleep(0.05 * 2 ** attempt)
        return 0  # pragma: no cover - the loop returns or raises

    def finish(self, row: Reminder, now: datetime, status: str, error: str | None = None,
               attempts: int | None = None) -> None:
        values: dict[str, Any] = {"status": status}
        if status == Status.SENT:
            values["sent_at"] = now
        self.release(row, status, values, error, attempts)

    def later(self, row: Reminder, due_at: datetime, error: str | None = None,
              attempts: int | None = None) -> None:
        self.release(row, "later", {"due_at": due_at}, error, attempts)

    def release(self, row: Reminder, counted: str, values: dict[str, Any],
                error: str | None, attempts: int | None) -> None:
        """Give the row's lease back with `values`, if it is still ours, and count it."""
        values = {**RELEASED, **values}
        if error is not None:
            values["last_error"] = error[:2000]
        if attempts is not None:
            values["attempts"] = attempts
        self.write(update(Reminder).where(Reminder.id == row.id,
                                          Reminder.claim_token == self.token).values(**values))
        self.counts[counted] = self.counts.get(counted, 0) + 1

    # -- one row --------------------------------------------------------------------------

    def run(self) -> dict[str, int]:
        session = db.session()
        keep = session.expire_on_commit
        session.expire_on_commit = False  # a commit per message must not reload every object
        try:
            rows = self.claim()
            users = {u.id: u for u in db.session.scalars(
                select(User).where(User.id.in_({r.user_id for r in rows})))} if rows else {}
            prefs = preferences.preferences_by_user(users)
            wanted = {pid for r in rows for pid in (r.payload or {}).get("post_ids", [])}
            wanted |= {r.post_id for r in rows if r.post_id is not None}
            # Held here for the whole batch: the identity map alone would let them go.
            self.posts = {p.id: p for p in db.session.scalars(
                select(Post).where(Post.id.in_(wanted)))} if wanted else {}
            for row in rows:
                now = self.clock()
                self.renew_if_needed(now)
                self.one(row, users.get(row.user_id), prefs.get(row.user_id), now)
        finally:
            session.expire_on_commit = keep
            session.expire_all()  # the rows changed in SQL behind these objects
            self.smtp.close()
        return self.counts

    def one(self, row: Reminder, user: User | None, pref, now: datetime) -> None:
        if user is None or pref is None:
            return self.finish(row, now, Status.SKIPPED, "the person no longer exists")
        if row.kind in pref.unsubscribed_kinds():
            return self.finish(row, now, Status.SKIPPED, "unsubscribed from this kind")
        if not user.active:
            return self.finish(row, now, Status.SKIPPED, "the person is not active")
        if row.channel == Channel.EMAIL and not (user.email or "").strip():
            return self.finish(row, now, Status.SKIPPED, "no e-mail address")
        if row.channel == Channel.CHAT and not self.settings.webhook_url:
            return self.finish(row, now, Status.SKIPPED, "no chat webhook configured")
        if expired(row, now):
            return self.finish(row, now, Status.SKIPPED, "too late: it expired unsent")
        if not hours.allowed_at(pref, now, self.tz):
            return self.later(row, hours.next_allowed(pref, now, self.tz))
        try:
            content = self.content(row, user, now)
            if content is None:
                return self.finish(row, now, Status.SKIPPED, "nothing left to share")
            if row.channel == Channel.CHAT:
                post_webhook(self.settings.webhook_url, self.settings.webhook_kind,
                             content["chat_text"], content.get("chat_link"))
            elif self.mark_before_send:
                self.send_marked(row, self.message(row, user, content))
                return None
            else:
                self.smtp.send(self.message(row, user, content))
        except TemporaryFailure as exc:
            attempts = row.attempts + 1
            log.warning("reminder %s: %s (attempt %s)", row.id, exc, attempts)
            if attempts >= self.max_attempts:
                return self.finish(row, now, Status.FAILED, f"{exc} (gave up after "
                                   f"{attempts} tries)", attempts)
            return self.later(row, now + backoff(attempts), str(exc), attempts)
        except PermanentFailure as exc:
            log.warning("reminder %s failed: %s", row.id, exc)
            return self.finish(row, now, Status.FAILED, str(exc), row.attempts + 1)
        except Exception as exc:  # noqa: BLE001 - one bad message must not stop the batch
            log.exception("reminder %s could not be prepared", row.id)
            return self.finish(row, now, Status.FAILED, f"internal error: {exc!r}",
                               row.attempts + 1)
        # Accepted by the SMTP server or the webhook: record it at once (see module notes).
        self.finish(row, self.clock(), Status.SENT)

    def send_marked(self, row: Reminder, message: Message) -> None:
        """Mark the row sent in an open transaction, hand the message over, then commit.

        The SMTP server's "250 accepted" is followed only by the COMMIT, so a kill -9 after
        the hand-off and before the record is one round trip wide; dying earlier rolls the
        mark back and the row is sent again later, with the same Message-ID. If the lease
        was lost meanwhile (another batch owns the row now) nothing is sent. Used where the
        UPDATE locks one row (PostgreSQL); on SQLite it would hold the database-wide write
        lock for the whole SMTP conversation, so there the mark follows the hand-off.
        """
        self.commit()  # end the read transaction: the mark starts a fresh one
        marked = rowcount(db.session.execute(
            update(Reminder).where(Reminder.id == row.id, Reminder.claim_token == self.token,
                                   Reminder.status == Status.PENDING)
            .values(**RELEASED, status=Status.SENT, sent_at=self.clock())
            .execution_options(synchronize_session=False)
        ))
        if not marked:
            db.session.rollback()
            self.counts["skipped"] += 1
            return
        try:
            self.smtp.send(message)
        except BaseException:
            db.session.rollback()
            raise
        try:
            self.commit()
        except OperationalError:
            db.session.rollback()  # accepted but not recorded: record it with retries
            self.finish(row, self.clock(), Status.SENT)
            return
        self.counts["sent"] += 1

    # -- content --------------------------------------------------------------------------

    def _post_line(self, links: LoginLinks, post: Post, network: str) -> dict[str, Any]:
        return {"title": post.title, "kind": post.kind, "ends_at": post.ends_at,
                "url": self.url("reminders.go", token=links.token(post.id)),
                "plain_url": self.url("sharing.compose", post_id=post.id, network=network)}

    def _lines(self, links: LoginLinks, user: User, posts: list[Post]) -> list[dict[str, Any]]:
        """Each post opens on the person's first chosen network; a job offered on none of
        their networks (all kept free of job ads) is left out (docs/networks.md)."""
        profile = profile_of(user)
        lines = []
        for post in posts:
            network = offer(post, profile).first
            if network is not None:
                lines.append(self._post_line(links, post, network))
        return lines

    def _live_posts(self, ids: list[int], now: datetime) -> list[Post]:
        posts = [self.posts.get(pid) for pid in ids]
        return [p for p in posts if p is not None and p.is_live(now)]

    def content(self, row: Reminder, user: User, now: datetime) -> dict[str, Any] | None:
        payload = row.payload or {}
        locale = user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
        links = LoginLinks(user, self.login_serializer)
        ctx: dict[str, Any] = {"kind": row.kind, "payload": payload, "posts": [],
                               "locale": locale}
        if row.kind in (Kind.DIGEST, Kind.REENGAGE):
            ctx["posts"] = self._lines(
                links, user, self._live_posts(payload.get("post_ids", []), now))
            if row.kind == Kind.DIGEST and not ctx["posts"]:
                return None
        elif row.post_id is not None:
            ctx["posts"] = self._lines(links, user, self._live_posts([row.post_id], now))
            if row.kind == Kind.NUDGE and not ctx["posts"]:
                return None
        ctx["queue_url"] = self.url("reminders.go", token=links.token(None))
        with force_locale(locale):
            programme = self.programme_name or _("our ambassador programme")
            ctx["programme_name"] = programme
            if row.kind == Kind.TAKEOVER and payload.get("day"):
                ctx["day_label"] = dateformat(date.fromisoformat(payload["day"]), "full")
                ctx["guidelines_url"] = self.url("onboarding.guidelines")
            ctx["chat_text"] = chat_text(row.kind, user, payload, ctx["posts"])
        ctx["chat_link"] = (ctx["posts"][0]["plain_url"] if ctx["posts"]
                            else self.url("queue.index"))
        return ctx

    def message(self, row: Reminder, user: User, content: dict[str, Any]) -> Message:
        """Multipart/alternative (text, then HTML) in the person's language (mail's bulk
        builder), with a Message-ID derived from the dedupe key and unsubscribe headers."""
        unsubscribe = self.url("reminders.unsubscribe",
                               token=unsubscribe_token(user.id, row.kind))
        pixel = (self.url("reminders.opened", token=open_token(row.id))
                 if self.settings.tracking_pixel else None)
        return mail.build_bulk_message(
            "reminder", to_name=user.name, to_email=user.email, locale=content["locale"],
            # Derived from the dedupe key: a resend after a crash is the same message.
            message_id=message_id(row, self.sender),
            headers={
                # RFC 2369 and RFC 8058: mail programs show an unsubscribe button (a POST).
                "List-Unsubscribe": f"<{unsubscribe}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                "X-Advocacy-Reminder": f"{row.kind}:{row.id}",
            },
            user=user, unsubscribe_url=unsubscribe, pixel_url=pixel,
            preferences_url=self.preferences_url,
            **{k: v for k, v in content.items() if k != "locale"},
        )


def expired(row: Reminder, now: datetime) -> bool:
    """A message whose payload says `expires_at` (ISO time) is not sent after it."""
    until = (row.payload or {}).get("expires_at")
    if not until:
        return False
    return now >= datetime.fromisoformat(until)


def dedupe_key(row: Reminder) -> str:
    """The reminder's unique key (user, kind, period, channel), as one string."""
    return f"reminder:{row.user_id}:{row.kind}:{row.period}:{row.channel}"


def message_id(row: Reminder, sender: str) -> str:
    return mail.stable_message_id(dedupe_key(row), sender)


def chat_text(kind: str, user: User, payload: dict[str, Any], posts: list[dict]) -> str:
    """One line for Teams or Slack (no login links: the channel is shared)."""
    first = user.name.split(" ")[0]
    if kind == Kind.DIGEST:
        return _("%(name)s: %(n)d new posts fit you.", name=first, n=len(posts))
    if kind == Kind.NUDGE:
        title = posts[0]["title"] if posts else ""
        if payload.get("reason") == "endorsed":
            return _("%(name)s: %(leader)s recommends sharing “%(title)s”.", name=first,
                     leader=payload.get("endorser", ""), title=title)
        return _("%(name)s: “%(title)s” can be shared for a short while longer.", name=first,
                 title=title)
    if kind == Kind.TAKEOVER:
        return _("%(name)s: on %(day)s you run %(account)s.", name=first,
                 day=dateformat(date.fromisoformat(payload["day"]), "full"),
                 account=payload.get("account", ""))
    return f"{first}: {payload.get('headline', '')}"


def send_batch(batch_token: str, ids: list[int], *, commit: Callable[[], None],
               clock: Callable[[], datetime] = utcnow) -> dict[str, int]:
    """Send the rows of one batch that are still ours to send; see the module notes."""
    return Batch(batch_token, [int(i) for i in ids], commit, clock).run()
