from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, StringField, TextAreaField, URLField
from wtforms.validators import DataRequired, Length


class StoryForm(FlaskForm):
    title = StringField(_l("Headline"), validators=[DataRequired(), Length(max=200)])
    text = TextAreaField(
        _l("Your story"), validators=[DataRequired(), Length(max=10000)],
        description=_l("What happened, who was involved, why it matters."),
    )
    photo = FileField(_l("Photo (optional)"),
                      description=_l("PNG, JPEG, GIF or WebP, at most %(n)d MB.", n=5))
    consent = BooleanField(_l("Everyone pictured has agreed that the photo may be used"))


class AcceptForm(FlaskForm):
    link = URLField(
        _l("Link for the post"), validators=[DataRequired(), Length(max=2000)],
        description=_l("Where the story will be published, e.g. on our web site."),
    )


class DeclineForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason (the author sees it)"), validators=[DataRequired(), Length(max=2000)]
    )


