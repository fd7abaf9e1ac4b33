"""Web pages of the API: the admins' token page and the readable API reference."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from advocacy.access import ADMIN, roles_required
from advocacy.accounts.forms import MultiCheckboxField
from advocacy.api import tokens
from advocacy.api.models import ApiToken
from advocacy.api.spec import spec
from advocacy.db import utcnow
from advocacy.extensions import db
from advocacy.formsave import attempt

bp = Blueprint("api_pages", __name__)


class TokenForm(FlaskForm):
    name = StringField(_l("Integration"), validators=[DataRequired(), Length(max=100)],
                       description=_l("What will use the token, e.g. “Webcruiter”."))
    scopes = MultiCheckboxField(_l("Permissions"), validators=[DataRequired()])
    days = IntegerField(_l("Valid for (days)"), default=365,
                        validators=[Optional(), NumberRange(min=1, max=tokens.MAX_DAYS)],
                        description=_l("Leave empty for a token that does not expire."))


class RevokeForm(FlaskForm):
    pass


def _form() -> TokenForm:
    form = TokenForm()
    form.scopes.choices = [(key, label) for key, label in tokens.SCOPES.items()]
    return form


@bp.route("/admin/api-tokens", methods=["GET", "POST"])
@roles_required(ADMIN)
def token_list():
    form = _form()
    secret = None
    if form.validate_on_submit():
        with attempt(tokens.TokenError, form=form) as tried:
            token, secret = tokens.create_token(
                name=form.name.data, scopes=form.scopes.data or [], days=form.days.data,
                user=current_user, now=utcnow())
        if tried.ok:
            db.session.commit()
            flash(_("The token for %(name)s is made. Copy it now: it is shown only once.",
                    name=token.name), "success")
            form = _form()
            form.name.data = ""
    return render_template("api/tokens.html", form=form, secret=secret,
                           tokens=tokens.all_tokens(), scopes=tokens.SCOPES, now=utcnow(),
                           revoke_form=RevokeForm())


@bp.post("/admin/api-tokens/<int:token_id>/revoke")
@roles_required(ADMIN)
def revoke(token_id: int):
    if not RevokeForm().validate_on_submit():
        abort(400)
    token = db.session.get(ApiToken, token_id)
    if token is None:
        abort(404)
    tokens.revoke_token(token, user=current_user, now=utcnow())
    db.session.commit()
    flash(_("The token for %(name)s is revoked.", name=token.name), "success")
    return redirect(url_for("api_pages.token_list"))


@bp.get("/api/v1/docs")
def docs():
    """The reference, rendered on the server from the served OpenAPI document itself."""
    document = spec.spec
    return render_template("api/docs.html", doc=document, operations=_operations(document),
                           schemas=document.get("components", {}).get("schemas", {}))


@bp.app_template_filter("api_type")
def api_type(schema: dict) -> str:
    """A JSON schema as a short type for the reference page: `string`, `integer | null` …"""
    if not isinstance(schema, dict):
        return ""
    if "$ref" in schema:
        return schema["$ref"].split("/")[-1]
    if "anyOf" in schema:
        return " | ".join(api_type(s) for s in schema["anyOf"])
    if "enum" in schema:
        return " | ".join(str(v) for v in schema["enum"])
    kind = schema.get("type", "")
    if kind == "array":
        return f"array of {api_type(schema.get('items', {}))}"
    if kind == "object" and isinstance(schema.get("additionalProperties"), dict):
        return f"object of {api_type(schema['additionalProperties'])}"
    extra = schema.get("format") or schema.get("pattern")
    return f"{kind} ({extra})" if extra and kind else str(kind or "any")


def _operations(document: dict) -> list[dict]:
    out = []
    for path, methods in document.get("paths", {}).items():
        for method, op in methods.items():
            out.append({"path": path, "method": method.upper(), **op,
                        "anchor": op.get("operationId", f"{method}-{path}")})
    return sorted(out, key=lambda o: ((o.get("tags") or [""])[0], o["path"], o["method"]))
