from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional


class ProgrammeForm(FlaskForm):
    name = StringField(_l("Programme name"), validators=[Optional(), Length(max=200)])
    purpose = TextAreaField(
        _l("Purpose"),
        validators=[DataRequired(), Length(max=2000)],
        description=_l("Why we share: shown on every ambassador's home page."),
    )
    guidelines = TextAreaField(
        _l("Guidelines"),
        validators=[DataRequired(), Length(max=20000)],
        description=_l("Duty of confidentiality, privacy, tone per network. "
                       "Linked from every share page."),
    )
    require_second_approval = BooleanField(
        _l("A second curator must approve each post"),
        description=_l("The curator who sends a post for review cannot approve it."),
    )
    weekly_post_cap = IntegerField(
        _l("New posts per ambassador per week"),
        validators=[Optional(), NumberRange(min=0, max=100)],
        description=_l("Limits how often the same people are asked. 0 or empty: no limit."),
    )
    leaders_first_minutes = IntegerField(
        _l("Leaders go first (minutes)"),
        validators=[Optional(), NumberRange(min=0, max=7 * 24 * 60)],
        default=0,
        description=_l("Leaders in a post's audience see it this long before everyone else. "
                       "0 means at the same time."),
    )
    warning_drop_percent = IntegerField(
        _l("Early warning when a unit's shares fall by more than (%)"),
        validators=[Optional(), NumberRange(min=1, max=100)],
        default=50,
    )
