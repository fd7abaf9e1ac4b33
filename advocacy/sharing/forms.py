from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import Optional


class ShareForm(FlaskForm):
    text = TextAreaField(
        _l("Your text"),
        validators=[Optional()],
        description=_l("Put it in your own words: people trust what you say yourself."),
    )
