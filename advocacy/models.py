"""Import every feature's models so that SQLAlchemy and Alembic see all tables."""

from advocacy.accessibility.models import AccessibilityStatement  # noqa: F401
from advocacy.accounts.models import Role, Unit, User  # noqa: F401
from advocacy.activity.models import (  # noqa: F401
    ActivityEvent,
    PersonMonth,
    RollupState,
    UnitDimMonth,
    UnitMembership,
    UnitMonth,
)
from advocacy.api.models import ApiToken, ApiWrite  # noqa: F401
from advocacy.audit.models import AuditEntry  # noqa: F401
from advocacy.content.models import (  # noqa: F401
    Post,
    PostComment,
    PostRevision,
    PostVariant,
    Topic,
)
from advocacy.endorsements.models import Endorsement, EndorsementRequest, Kudos  # noqa: F401
from advocacy.onboarding.models import AmbassadorProfile, GuidelineAcceptance  # noqa: F401
from advocacy.privacy.models import (  # noqa: F401
    DataExport,
    NoticeDelivery,
    PersonalDataAccess,
    PrivacyNotice,
    PrivacySettings,
)
from advocacy.programme.models import Programme  # noqa: F401
from advocacy.queue.models import QueueDecision, QueueImpression  # noqa: F401
from advocacy.recruitment.models import (  # noqa: F401
    Application,
    JobFeed,
    JobFeedItem,
    JobFeedRun,
    SurveyChoice,
)
from advocacy.reminders.models import (  # noqa: F401
    Reminder,
    ReminderPreference,
    ReminderSettings,
    UsedToken,
)
from advocacy.sharing.models import Share  # noqa: F401
from advocacy.stories.models import Story  # noqa: F401
from advocacy.takeovers.models import Takeover  # noqa: F401
from advocacy.tracking.models import Click  # noqa: F401
