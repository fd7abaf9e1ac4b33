"""The admin's audit log page: paginated and filterable."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from advocacy.access import ADMIN, roles_required
from advocacy.audit import describe, service
from advocacy.pagination import paginate

bp = Blueprint("audit", __name__)

# Readable sentences instead of internal keys, on every page.
bp.add_app_template_filter(describe.role_labels, "role_labels")
bp.add_app_template_filter(describe.network_names, "network_names")
bp.add_app_template_filter(describe.language_names, "language_names")
bp.add_app_template_global(describe.history_action, "history_action")
bp.add_app_template_global(describe.history_lines, "history_lines")


def _int(value: str | None) -> int | None:
    try:
        number = int(value) if value else None
    except ValueError:
        return None
    return number if number is not None and 0 < number < 2**31 else None


@bp.get("/admin/audit")
@roles_required(ADMIN)
def index():
    action = request.args.get("action", "")
    action = action if action in service.ACTIONS else ""
    target_type = request.args.get("target_type", "")[:30]
    actor_id = _int(request.args.get("actor"))
    stmt = service.entries(action=action or None, actor_id=actor_id,
                           target_type=target_type or None)
    page = paginate(stmt, request.args.get("page", 1), per_page=50)
    return render_template(
        "audit/index.html", page=page, action=action, describe=describe.describe_entry,
        actions=sorted(((name, describe.action_label(name)) for name in service.ACTIONS),
                       key=lambda pair: pair[1].lower()),
        target_type=target_type, actor_id=actor_id or "",
        targets=sorted(((k, str(v)) for k, v in describe.TARGETS.items()),
                       key=lambda pair: pair[1].lower()),
    )
