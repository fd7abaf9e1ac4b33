from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, SelectField, StringField, TextAreaField, URLField
from wtforms.validators import DataRequired, Length, Optional

from advocacy.accounts.forms import MultiCheckboxField


def kind_choices():
    return [
        ("story", _l("Story")),
        ("job", _l("Job opening")),
        ("event", _l("Event")),
        ("news", _l("News")),
    ]


def status_choices():
    return [("draft", _l("Draft")), ("live", _l("Live")), ("archived", _l("Archived"))]


class PostForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    link = URLField(
        _l("Link"),
        validators=[DataRequired(), Length(max=2000)],
        description=_l("The page people land on, e.g. the job ad or the story."),
    )
    kind = SelectField(_l("Kind"), choices=kind_choices())
    status = SelectField(_l("Status"), choices=status_choices())
    starts_at = DateTimeLocalField(
        _l("Visible from"), format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )
    ends_at = DateTimeLocalField(
        _l("Visible until"), format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )
    topic_ids = MultiCheckboxField(_l("Topics"), coerce=int)
    unit_ids = MultiCheckboxField(
        _l("Audience"),
        coerce=int,
        description=_l("Only these units and their sub-units see it. None chosen: everyone."),
    )
    text_linkedin = TextAreaField("LinkedIn", validators=[Optional()])
    text_facebook = TextAreaField("Facebook", validators=[Optional()])
    text_x = TextAreaField("X", validators=[Optional()])
    text_instagram = TextAreaField("Instagram", validators=[Optional()])


class TopicForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=1000)])
