from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class TakeoverForm(FlaskForm):
    account = StringField(
        _l("Account"), validators=[DataRequired(), Length(max=100)],
        description=_l("Which organisation account, e.g. “Instagram @ourtown”."),
    )
    day = DateField(_l("Day"), validators=[DataRequired()])
    plan = TextAreaField(
        _l("What you would like to show"), validators=[Optional(), Length(max=2000)]
    )


class DecisionForm(FlaskForm):
    note = TextAreaField(_l("Note to the employee"), validators=[Optional(), Length(max=2000)])
