"""Endorsement, request and kudos forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from advocacy.endorsements.models import NOTE_MAX


class EndorseForm(FlaskForm):
    note = StringField(
        _l("Your note (optional)"), validators=[Optional(), Length(max=NOTE_MAX)],
        description=_l("For example: “I'm proud of this team's work — share it.”"),
    )


class RequestForm(FlaskForm):
    leader_id = SelectField(_l("Leader"), coerce=int, validators=[DataRequired()])
    note = StringField(_l("Message to the leader (optional)"),
                       validators=[Optional(), Length(max=NOTE_MAX)])


class KudosForm(FlaskForm):
    recipient_id = SelectField(_l("Who"), coerce=int, validators=[DataRequired()])
    message = TextAreaField(_l("Message"), validators=[DataRequired(), Length(max=NOTE_MAX)])
