"""The Norwegian texts of a post per network (story, job, event, news) and its title and link."""

from __future__ import annotations

from advocacy.content.models import NETWORK_LIMITS
from advocacy.demo import catalogue as cat
from advocacy.demo.base import GeneratorBase
from advocacy.demo.draws import dt
from advocacy.demo.specs import NETWORKS
from advocacy.demo.words import fit_text, slug

X_LIMIT = NETWORK_LIMITS["x"]


class PostTexts(GeneratorBase):
    def pick_networks(self, always: tuple[str, ...], maybe: dict[str, float]) -> list[str]:
        chosen = list(always)
        for network in NETWORKS:
            if network in maybe and self.rng.random() < maybe[network]:
                chosen.append(network)
        return chosen

    @staticmethod
    def date_nb(ts: int) -> str:
        day = dt(ts)
        return f"{day.day}. {cat.MONTHS_NB[day.month - 1]}"

    def story_texts(self, fill, tags, n):
        rng = self.rng
        title = rng.choice(cat.STORY_TITLES).format(**fill)
        detail = rng.choice(cat.STORY_DETAILS).format(**fill)
        quote = fill["quote"]
        texts = {
            "linkedin": f"«{quote}.»\n\nDet sier {fill['first']}, som jobber som {fill['prof']} "
                        f"{fill['at']}. {detail}\n\nVil du bli kollegaen vår? Les hele "
                        f"historien og se ledige stillinger. {tags}",
            "facebook": f"Kjenner du igjen {fill['first']}? 😊 {fill['first']} jobber som "
                        f"{fill['prof']} {fill['at']} og sier: «{quote}.» Del gjerne med noen "
                        f"som kunne passet hos oss! {tags}",
            "x": fit_text(f"«{quote}» – {fill['first']}, {fill['prof']} {fill['at']}. {tags}",
                          X_LIMIT),
            "instagram": f"Møt {fill['first']}! 👋 {fill['prof'].capitalize()} {fill['at']}.\n\n"
                         f"«{quote}.»\n\nLes hele historien via lenken i bio. {tags}",
        }
        keep = self.pick_networks(("linkedin", "facebook"), {"x": 0.5, "instagram": 0.8})
        link = f"{cat.SITE}/jobb-hos-oss/historier/{slug(title)}-{n + 1}"
        return {k: texts[k] for k in keep}, title, link

    def job_texts(self, fill, deadline, tags, summer, n):
        rng = self.rng
        at_cap = fill["at"][0].upper() + fill["at"][1:]
        if summer:
            title = f"Sommerjobb {fill['at']}: vi søker {fill['prof']}"
        else:
            title = rng.choice(cat.JOB_TITLES).format(**fill)
        date = self.date_nb(deadline)
        detail = rng.choice(cat.JOB_DETAILS)
        texts = {
            "linkedin": f"Vi søker {fill['prof']} i {fill['pct']} % stilling {fill['at']}. "
                        f"{detail} Søknadsfrist {date}. Kjenner du noen som passer? Del gjerne! "
                        f"{tags}",
            "facebook": f"Ledig jobb! 📣 {at_cap} søker {fill['prof']} ({fill['pct']} %). "
                        f"{detail} Søknadsfrist {date}. Tips en venn! {tags}",
            "x": fit_text(f"Vi søker {fill['prof']} ({fill['pct']} %) {fill['at']}. "
                          f"Søknadsfrist {date}. {tags}", X_LIMIT),
            "instagram": f"Vi søker {fill['prof']}! {at_cap} får du kolleger som heier på deg. "
                         f"Søknadsfrist {date} – lenke i bio. {tags}",
        }
        keep = self.pick_networks(("linkedin", "facebook"), {"x": 0.6, "instagram": 0.2})
        link = f"{cat.SITE}/ledige-stillinger/{100000 + n}"
        return {k: texts[k] for k in keep}, title, link

    def event_texts(self, fill, when, tags, n):
        rng = self.rng
        title, lead = rng.choice(cat.EVENTS)
        title, lead = title.format(**fill), lead.format(**fill)
        date = self.date_nb(when)
        texts = {
            "linkedin": f"{lead} {date}! Du møter ansatte som forteller om hverdagen, og "
                        f"lederne som ansetter. Påmelding via lenken. {tags}",
            "facebook": f"{lead} {date} 🎉 Ta med en venn – vi byr på kaffe og gode samtaler! "
                        f"{tags}",
            "x": fit_text(f"{lead} {date}. Påmelding via lenken. {tags}", X_LIMIT),
            "instagram": f"{lead} {date}! Lenke til påmelding i bio. {tags}",
        }
        keep = self.pick_networks(("facebook", "linkedin"), {"x": 0.4, "instagram": 0.5})
        link = f"{cat.SITE}/arrangementer/{slug(title)}-{n + 1}"
        return {k: texts[k] for k in keep}, title, link, "lærling" in title

    def news_texts(self, fill, tags, n):
        rng = self.rng
        title = rng.choice(cat.NEWS).format(**fill)
        headline = title[0].upper() + title[1:]
        texts = {
            "linkedin": f"{headline}. Les mer om hva som skjer i {cat.ORG_NAME}. {tags}",
            "facebook": f"Nyheter fra jobben: {headline.lower()}! {tags}",
            "x": fit_text(f"{headline}. {tags}", X_LIMIT),
            "instagram": f"{headline} ✨ Mer i lenken i bio. {tags}",
        }
        keep = self.pick_networks(("linkedin", "facebook"), {"x": 0.6, "instagram": 0.3})
        link = f"{cat.SITE}/aktuelt/{slug(title)}-{n + 1}"
        return {k: texts[k] for k in keep}, headline, link
