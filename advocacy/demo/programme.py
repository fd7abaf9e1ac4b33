"""The programme: its name, purpose, guidelines and settings, and a filled-in privacy notice."""

from __future__ import annotations

from sqlalchemy import insert, select, update

from advocacy.demo import catalogue as cat
from advocacy.demo.base import GeneratorBase
from advocacy.demo.draws import DAY, dt
from advocacy.privacy.models import PrivacySettings
from advocacy.programme.models import Programme


class ProgrammeSettings(GeneratorBase):
    def build_programme(self) -> None:
        table = Programme.__table__
        values = {
            "name": cat.PROGRAMME_NAME,
            "purpose": cat.PURPOSE,
            "guidelines": cat.GUIDELINES,
            "require_second_approval": True,  # four eyes, as in a new installation
            "updated_at": dt(self.start - 10 * DAY),
            "updated_by_id": self.curator_ids[0],
        }
        if self.conn.scalar(select(table.c.id).where(table.c.id == 1)) is None:
            self.conn.execute(insert(table).values(
                id=1, guidelines_version=1, min_group_size=5, retention_days=90, **values))
        else:
            self.conn.execute(update(table).where(table.c.id == 1).values(**values))
        self.counts["programmes"] = 1
        # A filled-in privacy notice: who is responsible and how to reach them.
        privacy = PrivacySettings.__table__
        notice = {"controller_name": cat.CONTROLLER_NAME,
                  "controller_contact": cat.CONTROLLER_CONTACT, "dpo_contact": cat.DPO_CONTACT}
        if self.conn.scalar(select(privacy.c.id).where(privacy.c.id == 1)) is None:
            self.conn.execute(insert(privacy).values(id=1, updated_at=dt(self.start), **notice))
        else:
            self.conn.execute(update(privacy).where(privacy.c.id == 1).values(**notice))
