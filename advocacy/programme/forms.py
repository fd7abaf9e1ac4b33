from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField, TextAreaField
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
