from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms.validators import DataRequired

from advocacy.accounts.forms import MultiCheckboxField, reading_languages_field


def network_choices():
    return [("linkedin", "LinkedIn"), ("facebook", "Facebook"), ("x", "X"),
            ("instagram", "Instagram")]


class GuidelinesForm(FlaskForm):
    accept = BooleanField(
        _l("I have read the guidelines and will follow them"),
        validators=[DataRequired(_l("Please accept the guidelines to continue."))],
    )


class InterestsForm(FlaskForm):
    topic_ids = MultiCheckboxField(
        _l("Topics I want to share"), coerce=int,
        description=_l("Choose none to see everything meant for your unit."),
    )
    networks = MultiCheckboxField(
        _l("Networks I use"), choices=network_choices(),
        description=_l("Your networks come first on every post; the others wait behind "
                       "“More networks”."),
    )
    no_job_networks = MultiCheckboxField(
        _l("No job ads on these networks"), choices=network_choices(),
        description=_l("For example a private Facebook: job openings are then not offered "
                       "to you there."),
    )
    reading_languages = reading_languages_field()
