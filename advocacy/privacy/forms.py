"""Forms for participation, privacy settings, the per-person switch and erasure."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from advocacy.privacy.settings import LEGAL_BASES, LEGITIMATE_INTERESTS_WARNING


class EmptyForm(FlaskForm):
    """A button: CSRF only."""


class NamedForm(FlaskForm):
    named = BooleanField(
        _l("Name me on kudos walls and leaderboards"),
        description=_l("Off unless you switch it on. A change takes effect everywhere at once."),
    )


class SettingsForm(FlaskForm):
    controller_name = StringField(_l("Controller (the organisation)"),
                                  validators=[Optional(), Length(max=200)])
    controller_contact = StringField(_l("Controller's contact details"),
                                     validators=[Optional(), Length(max=500)])
    dpo_contact = StringField(_l("Data protection officer's contact details"),
                              validators=[Optional(), Length(max=500)])
    legal_basis = SelectField(
        _l("Legal basis"), choices=[(k, v) for k, v in LEGAL_BASES.items()],
        description=LEGITIMATE_INTERESTS_WARNING,
    )
    public_authority = BooleanField(_l("We are a public authority"))
    retention_days = IntegerField(
        _l("Keep raw clicks for (days)"), validators=[InputRequired(), NumberRange(1, 36500)],
        description=_l("Older clicks are folded into anonymous totals and deleted."),
    )
    audit_retention_days = IntegerField(
        _l("Keep the audit log for (days)"), validators=[InputRequired(), NumberRange(30, 36500)]
    )
    erase_after_days = IntegerField(
        _l("Erase people this many days after they leave"),
        validators=[InputRequired(), NumberRange(0, 36500)],
    )
    min_group_size = IntegerField(
        _l("Smallest group leaders see on its own"),
        validators=[InputRequired(), NumberRange(2, 1000)],
        description=_l("Smaller groups are folded into “other”."),
    )


class PersonViewForm(FlaskForm):
    purpose = TextAreaField(_l("Purpose of named per-person views"),
                            validators=[DataRequired(), Length(max=2000)])
    consulted_on = DateField(_l("Date employee representatives were consulted"),
                             validators=[DataRequired()])
    dpia_reference = StringField(_l("DPIA reference"),
                                 validators=[DataRequired(), Length(max=200)])
    effective_on = DateField(
        _l("Effective date"), validators=[DataRequired()],
        description=_l("At least 42 days after today: everyone is told now, in the app and by "
                       "e-mail."),
    )


class EraseForm(FlaskForm):
    email = EmailField(
        _l("Type your e-mail address to confirm"), validators=[DataRequired(), Length(max=254)]
    )
