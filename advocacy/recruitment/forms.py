"""Forms of the recruitment pages; the public survey's form is CSRF-protected like all others."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, IntegerField, RadioField, SelectField, StringField, URLField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional


class SurveyForm(FlaskForm):
    choice = RadioField(_l("Where did you first see this job?"),
                        validators=[InputRequired(message=_l("Choose one answer."))])


class FeedForm(FlaskForm):
    url = URLField(_l("Feed address"), validators=[DataRequired(), Length(max=2000)],
                   description=_l("The RSS, Atom or JSON feed of open positions from your "
                                  "applicant-tracking system."))
    name = StringField(_l("Name"), validators=[Optional(), Length(max=200)])


class ImportForm(FlaskForm):
    file = FileField(_l("CSV file"), description=_l(
        "Columns: job_reference and application_id (required); share_reference, source, "
        "answer, outcome (optional). No names or contact details."))


class ChoiceForm(FlaskForm):
    label = StringField(_l("Answer shown to applicants"),
                        validators=[DataRequired(), Length(max=200)])
    channel = SelectField(_l("Counts as"), validators=[DataRequired()])
    position = IntegerField(_l("Position"), validators=[Optional(), NumberRange(0, 1000)],
                            default=100)
    active = BooleanField(_l("Shown"), default=True)
