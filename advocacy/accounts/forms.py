"""Login, person and unit forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    widgets,
)
from wtforms.validators import DataRequired, Email, Length, Optional

from advocacy.accounts.service import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=256)])


class LoginLinkForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])


def role_choices():
    return [
        ("ambassador", _l("Ambassador")),
        ("curator", _l("Curator")),
        ("leader", _l("Leader")),
        ("admin", _l("Administrator")),
    ]


def language_choices(blank: bool = True):
    from advocacy.i18n import LANGUAGE_NAMES

    choices = list(LANGUAGE_NAMES.items())
    return ([("", _l("Browser's language"))] if blank else []) + choices


class UserForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    title = StringField(_l("Job title or profession"), validators=[Optional(), Length(max=200)])
    unit_id = SelectField(_l("Unit"), coerce=int, validators=[Optional()])
    locale = SelectField(_l("Language"), choices=language_choices(), validators=[Optional()])
    roles = MultiCheckboxField(_l("Roles"), choices=role_choices(), default=["ambassador"])
    led_unit_ids = MultiCheckboxField(_l("Leads these units"), coerce=int)
    password = PasswordField(
        _l("Initial password"),
        validators=[Optional(), Length(min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH)],
        description=_l("At least %(n)d characters. Leave empty to set it later.",
                       n=MIN_PASSWORD_LENGTH),
    )


class UserEditForm(FlaskForm):
    """The same fields as adding a person, without the password."""

    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    title = StringField(_l("Job title or profession"), validators=[Optional(), Length(max=200)])
    unit_id = SelectField(_l("Unit"), coerce=int, validators=[Optional()])
    locale = SelectField(_l("Language"), choices=language_choices(), validators=[Optional()])
    roles = MultiCheckboxField(_l("Roles"), choices=role_choices())
    led_unit_ids = MultiCheckboxField(_l("Leads these units"), coerce=int)


class UnitForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    parent_id = SelectField(_l("Part of"), coerce=int, validators=[Optional()])


def reading_languages_field() -> MultiCheckboxField:
    """Which posts fit the person (content language), apart from the interface language."""
    return MultiCheckboxField(
        _l("Languages I read posts in"), choices=language_choices(blank=False),
        description=_l("You are offered posts written in these languages and posts for "
                       "everyone. Bokmål and Nynorsk readers get posts in either. None "
                       "chosen: every language."),
    )


class SettingsForm(FlaskForm):
    locale = SelectField(_l("Language of the pages"), choices=language_choices(),
                         validators=[Optional()])
    reading_languages = reading_languages_field()
    topic_ids = MultiCheckboxField(_l("Topics I follow"), coerce=int)
    named_opt_in = BooleanField(
        _l("Leaders may see my name with my activity"),
        description=_l("Kudos you receive appear on your unit's page, and your leaders can "
                       "see your activity by name. Off unless you turn it on."),
    )


class PasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    new = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH)],
        description=_l("At least %(n)d characters. A few unrelated words make a good one.",
                       n=MIN_PASSWORD_LENGTH),
    )


class UnitEditForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    # Choices leave out the unit and its sub-units; a crafted value gets the service's message.
    parent_id = SelectField(_l("Part of"), coerce=int, validators=[Optional()],
                            validate_choice=False)
