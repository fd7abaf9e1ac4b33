"""The privacy notice e-mail, through advocacy/mail.py like every other e-mail.

Rendered from templates/emails/privacy_notice/ in the person's language, sent with the
shared SMTP settings (STARTTLS, login) by the worker.
"""

from __future__ import annotations

import logging

from advocacy import mail
from advocacy.accounts.models import User
from advocacy.privacy.models import PrivacyNotice

log = logging.getLogger(__name__)


def send_notice(person: User, notice: PrivacyNotice) -> bool:
    """Tell one person about one privacy change; False when they cannot be reached now.

    A temporary failure (server away, 4xx) is raised so the task retries; a refusal for one
    address is logged and skipped, so it does not hold back everyone after it.
    """
    try:
        return mail.send_to_user(
            person,
            "privacy_notice",
            notice=notice,
            leader_view_url=mail.public_url("privacy.leader_view"),
            notice_url=mail.public_url("privacy.notice"),
        )
    except Exception as exc:
        if mail.is_temporary(exc):
            raise
        log.warning("privacy notice %s not sent to user %s: %s", notice.id, person.id, exc)
        return False
