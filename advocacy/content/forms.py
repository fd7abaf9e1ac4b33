from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import DataRequired, Length, Optional

from advocacy.accounts.forms import MultiCheckboxField, language_choices
from advocacy.content.alt_text import MAX_ALT

NETWORKS = ("linkedin", "facebook", "x", "instagram")


def kind_choices():
    return [
        ("story", _l("Story")),
        ("job", _l("Job opening")),
        ("event", _l("Event")),
        ("news", _l("News")),
    ]


def status_labels():
    return {
        "draft": _l("Draft"),
        "in_review": _l("In review"),
        "scheduled": _l("Scheduled"),
        "live": _l("Live"),
        "archived": _l("Archived"),
    }


def _when(label, description=None):
    return DateTimeLocalField(
        label, format="%Y-%m-%dT%H:%M", validators=[Optional()], description=description
    )


class PostForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    link = URLField(
        _l("Link"),
        validators=[DataRequired(), Length(max=2000)],
        description=_l("The page people land on, e.g. the job ad or the story."),
    )
    kind = SelectField(_l("Kind"), choices=kind_choices())
    deadline_at = _when(_l("Application deadline"), _l("Job openings only."))
    place = StringField(
        _l("Place of work"), validators=[Optional(), Length(max=200)],
        description=_l("Job openings only."),
    )
    job_reference = StringField(
        _l("Job reference in the applicant-tracking system"),
        validators=[Optional(), Length(max=100)],
        description=_l("Job openings only. Applications are reported against it."),
    )
    event_at = _when(_l("Event date and time"), _l("Events only."))
    starts_at = _when(_l("Visible from"), _l("Empty: as soon as it is approved."))
    ends_at = _when(_l("Visible until"))
    image = FileField(
        _l("Image file"),
        description=_l("PNG, JPEG, GIF or WebP, at most %(n)d MB.", n=5),
    )
    image_alt = StringField(
        _l("Image description"),
        validators=[Optional()],
        description=_l("Required with an image: what it shows, for people who cannot see it "
                       "(alt text). At most %(n)d characters.", n=MAX_ALT),
    )
    remove_image = BooleanField(_l("Remove the current image"))
    topic_ids = MultiCheckboxField(_l("Topics"), coerce=int)
    unit_ids = MultiCheckboxField(
        _l("Units"),
        coerce=int,
        description=_l("Only these units and their sub-units see it. None chosen: everyone."),
    )
    audience_titles = StringField(
        _l("Professions"),
        validators=[Optional(), Length(max=1000)],
        description=_l("Comma-separated, e.g. “nurse, physiotherapist”. Empty: every profession."),
    )
    audience_languages = MultiCheckboxField(
        _l("Languages"), choices=language_choices(blank=False),
        description=_l("None chosen: every language."),
    )
    text_linkedin = TextAreaField("LinkedIn", validators=[Optional()])
    text_facebook = TextAreaField("Facebook", validators=[Optional()])
    text_x = TextAreaField("X", validators=[Optional()])
    text_instagram = TextAreaField("Instagram", validators=[Optional()])
    text_linkedin_b = TextAreaField(_l("LinkedIn, alternative B"), validators=[Optional()])
    text_facebook_b = TextAreaField(_l("Facebook, alternative B"), validators=[Optional()])
    text_x_b = TextAreaField(_l("X, alternative B"), validators=[Optional()])
    text_instagram_b = TextAreaField(_l("Instagram, alternative B"), validators=[Optional()])


class TopicForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=1000)])


class MergeForm(FlaskForm):
    target_id = SelectField(_l("Merge into"), coerce=int)


class CommentForm(FlaskForm):
    body = TextAreaField(_l("Comment"), validators=[DataRequired(), Length(max=5000)])


class ReturnForm(FlaskForm):
    reason = TextAreaField(
        _l("What should change?"), validators=[Optional(), Length(max=5000)]
    )
