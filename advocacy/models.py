"""Import every feature's models so that SQLAlchemy and Alembic see all tables."""

from advocacy.accounts.models import Role, Unit, User  # noqa: F401
from advocacy.content.models import Post, PostVariant, Topic  # noqa: F401
from advocacy.programme.models import Programme  # noqa: F401
from advocacy.queue.models import QueueDecision  # noqa: F401
from advocacy.reminders.models import (  # noqa: F401
    Reminder,
    ReminderPreference,
    ReminderSettings,
    UsedToken,
)
from advocacy.sharing.models import Share  # noqa: F401
from advocacy.tracking.models import Click  # noqa: F401
