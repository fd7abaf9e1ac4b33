from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, StringField, TextAreaField, URLField
from wtforms.validators import DataRequired, Length, Optional

from advocacy.content.alt_text import MAX_ALT


class StoryForm(FlaskForm):
    title = StringField(_l("Headline"), validators=[DataRequired(), Length(max=200)])
    text = TextAreaField(
        _l("Your story"), validators=[DataRequired(), Length(max=10000)],
        description=_l("What happened, who was involved, why it matters."),
    )
    photo = FileField(_l("Photo (optional)"),
                      description=_l("PNG, JPEG, GIF or WebP, at most %(n)d MB.", n=5))
    photo_alt = StringField(
        _l("Image description"), validators=[Optional()],
        description=_l("Required with a photo: what it shows, for people who cannot see it "
                       "(alt text). At most %(n)d characters.", n=MAX_ALT),
    )
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


