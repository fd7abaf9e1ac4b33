"""The admin's form for the accessibility statement; the rules live in service.validate."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from advocacy.accessibility.service import AUTHORITIES, CONFORMANCE, METHODS


class StatementForm(FlaskForm):
    organisation = StringField(_l("Organisation"))
    url = StringField(_l("Address (URL) the statement covers"),
                      description=_l("For example https://advocacy.example.no"))
    scope = TextAreaField(_l("What the statement covers"),
                          description=_l("Optional: which parts of the solution were assessed."))
    conformance = RadioField(_l("Conformance status"),
                             choices=list(CONFORMANCE.items()), validate_choice=False)
    deviations = TextAreaField(
        _l("Known deviations"),
        description=_l("One per line: criterion | what does not work | what we do about it. "
                       "For example: 1.4.3 | Grey help text has weak contrast | Darker colour "
                       "by March 2027"),
    )
    method = SelectField(_l("How the statement was made"), choices=list(METHODS.items()),
                         validate_choice=False)
    feedback_email = EmailField(_l("E-mail for feedback"))
    feedback_phone = StringField(_l("Phone for feedback (optional)"))
    authority = SelectField(_l("Supervisory authority"), choices=list(AUTHORITIES.items()),
                            validate_choice=False)
    complaint_url = StringField(
        _l("Link for complaints (optional)"),
        description=_l("Empty: the supervisory authority's own site."))
    official_url = StringField(
        _l("Link to the statement registered with the authority (optional)"),
        description=_l("Norway: uustatus.no. Denmark: was.digst.dk."))
    statement_date = DateField(_l("Date of the statement"), validators=[Optional()])
    reviewed_date = DateField(_l("Date of the last review"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.authority.choices = [(code, a["label"]) for code, a in AUTHORITIES.items()]
