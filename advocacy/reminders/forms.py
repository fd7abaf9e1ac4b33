"""Reminder preferences (each person) and the programme's reminder settings (curators)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField, ValidationError
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from advocacy.accounts.forms import MultiCheckboxField
from advocacy.reminders.models import Kind
from advocacy.reminders.settings import webhook_problem


def kind_choices():
    return [
        (Kind.DIGEST.value, _l("New posts that fit me (digest)")),
        (Kind.NUDGE.value, _l("Posts a leader recommends or that end soon")),
        (Kind.REENGAGE.value, _l("A reminder when I have not shared for a while")),
        (Kind.UNIT_DROP.value, _l("For leaders: when sharing in my unit falls")),
        (Kind.NOTICE.value, _l("Endorsements and thanks")),
        (Kind.TAKEOVER.value, _l("Account takeover shifts")),
        (Kind.YEAR.value, _l("Monthly: my year so far")),
    ]


def day_choices():
    return [(1, _l("Monday")), (2, _l("Tuesday")), (3, _l("Wednesday")), (4, _l("Thursday")),
            (5, _l("Friday")), (6, _l("Saturday")), (7, _l("Sunday"))]


class PreferencesForm(FlaskForm):
    frequency = SelectField(
        _l("How often should we send new posts?"),
        choices=[("daily", _l("Daily")), ("weekly", _l("Weekly")), ("off", _l("Never"))],
    )
    email = BooleanField(_l("By e-mail"))
    chat = BooleanField(_l("In our Teams or Slack channel"),
                        description=_l("Only when the programme has set up a channel. "
                                       "Personal figures are only ever sent by e-mail."))
    work_start = IntegerField(_l("Not before (hour)"),
                              validators=[InputRequired(), NumberRange(min=0, max=23)])
    work_end = IntegerField(_l("Not after (hour)"),
                            validators=[InputRequired(), NumberRange(min=1, max=24)])
    work_days = MultiCheckboxField(_l("On these days"), coerce=int)
    subscribed = MultiCheckboxField(_l("What I want to hear about"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.work_days.choices = day_choices()
        self.subscribed.choices = kind_choices()

    def validate_work_end(self, field):
        if self.work_start.data is not None and field.data is not None \
                and field.data <= self.work_start.data:
            raise ValidationError(_l("The last hour must come after the first."))

    def validate_work_days(self, field):
        if not field.data:
            raise ValidationError(_l("Choose at least one day."))


class SettingsForm(FlaskForm):
    webhook_url = StringField(
        _l("Teams or Slack incoming-webhook address"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Leave empty for e-mail only. Starts with https://"),
    )
    webhook_kind = SelectField(_l("Chat service"),
                               choices=[("slack", "Slack"), ("teams", "Microsoft Teams")])
    reengage_weeks = IntegerField(_l("Remind people who have not shared for this many weeks"),
                                  validators=[InputRequired(), NumberRange(min=1, max=52)])
    unit_drop_percent = IntegerField(
        _l("Tell leaders when their unit's sharing falls by this many per cent"),
        validators=[InputRequired(), NumberRange(min=10, max=95)],
    )
    tracking_pixel = BooleanField(
        _l("Count opened e-mails with a tracking image"),
        description=_l("Off by default: many mail programs block it, and it tells us when "
                       "someone read an e-mail."),
    )

    def validate_webhook_url(self, field):
        problem = webhook_problem((field.data or "").strip())
        if problem:
            raise ValidationError(_l(problem))
