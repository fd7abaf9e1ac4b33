from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField
from wtforms.validators import DataRequired, Regexp


class ImportForm(FlaskForm):
    file = FileField(
        _l("CSV file"),
        validators=[FileRequired(_l("Choose a file."))],
        description=_l("Columns: email, name, unit, title, language, roles. "
                       "Comma or semicolon separated; UTF-8 or Excel's own format."),
    )


class ConfirmForm(FlaskForm):
    token = HiddenField(validators=[DataRequired(), Regexp(r"^[A-Za-z0-9_-]{10,64}$")])
