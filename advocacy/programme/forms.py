from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


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
