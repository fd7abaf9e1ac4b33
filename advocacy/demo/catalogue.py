"""The demo municipality's fixed material: units, professions, names, topics and post texts."""

from __future__ import annotations

from dataclasses import dataclass, field

ORG_NAME = "Eksempel kommune"
ORG_TAG = "#EksempelKommune"
DOMAIN = "eksempel.kommune.no"
SITE = "https://www.eksempel.kommune.no"
# The demo logins' password is published on purpose (README, command output).
DEMO_PASSWORD = "demo-passord-123"  # nosec B105
# The privacy notice's controller and contacts (made up, like everything here).
CONTROLLER_NAME = "Eksempel kommune v/ kommunedirektøren"
CONTROLLER_CONTACT = "Rådhusgata 1, 0001 Eksempel · postmottak@eksempel.kommune.no · 12 34 56 78"
DPO_CONTACT = "Personvernombudet i Eksempel kommune · personvernombud@eksempel.kommune.no"


@dataclass(frozen=True)
class Profile:
    """What kind of work a unit does: who works there and what its posts are about."""

    professions: tuple[tuple[str, float], ...]
    topics: tuple[str, ...]
    leader_title: str
    tags: str
    # How people here lean between networks: (linkedin, facebook, x, instagram).
    networks: tuple[float, float, float, float] = (1.0, 1.0, 0.15, 0.3)


@dataclass(frozen=True)
class Leaf:
    name: str
    weight: float  # share of the staff
    profile: str
    at: str  # "på Solbakken sykehjem": how texts say where the work is done


@dataclass(frozen=True)
class Group:
    name: str
    children: tuple[Leaf | Group, ...] = field(default_factory=tuple)
    leader_title: str = "kommunalsjef"


FRONTLINE = (0.7, 1.6, 0.08, 0.45)
OFFICE = (1.8, 0.8, 0.3, 0.2)

PROFILES: dict[str, Profile] = {
    "sykehjem": Profile(
        (("sykepleier", 5), ("helsefagarbeider", 6), ("assistent", 2), ("spesialsykepleier", 1),
         ("fysioterapeut", 0.5), ("ergoterapeut", 0.4), ("kokk", 0.4)),
        ("sykepleie", "helse og omsorg"), "enhetsleder", "#sykepleie #helsefag", FRONTLINE,
    ),
    "hjemme": Profile(
        (("sykepleier", 4), ("helsefagarbeider", 5), ("vernepleier", 1.5), ("assistent", 1.5)),
        ("sykepleie", "helse og omsorg"), "enhetsleder", "#hjemmetjenesten #helsefag", FRONTLINE,
    ),
    "legevakt": Profile(
        (("sykepleier", 4), ("lege", 2), ("helsesekretær", 1)),
        ("sykepleie", "helse og omsorg"), "legevaktsjef", "#legevakt #sykepleie", FRONTLINE,
    ),
    "helsestasjon": Profile(
        (("helsesykepleier", 4), ("jordmor", 1.5), ("fysioterapeut", 0.5)),
        ("sykepleie", "helse og omsorg"), "avdelingsleder", "#helsestasjon", FRONTLINE,
    ),
    "psykisk": Profile(
        (("vernepleier", 2), ("sykepleier", 2), ("sosionom", 2), ("miljøterapeut", 2)),
        ("helse og omsorg",), "avdelingsleder", "#psykiskhelse", FRONTLINE,
    ),
    "barnehage": Profile(
        (("barnehagelærer", 4), ("pedagogisk leder", 2), ("barne- og ungdomsarbeider", 3),
         ("assistent", 3)),
        ("barnehage",), "styrer", "#barnehage #barnehagelærer", FRONTLINE,
    ),
    "skole": Profile(
        (("lærer", 6), ("lektor", 2), ("miljøterapeut", 1), ("spesialpedagog", 1),
         ("assistent", 1.5)),
        ("skole",), "rektor", "#skole #lærer", (1.2, 1.3, 0.2, 0.3),
    ),
    "ppt": Profile(
        (("spesialpedagog", 2), ("psykolog", 1), ("rådgiver", 1)),
        ("skole", "barnehage"), "leder", "#PPT #skole", OFFICE,
    ),
    "va": Profile(
        (("ingeniør", 3), ("driftsoperatør", 3), ("fagarbeider", 2)),
        ("teknikk",), "avdelingsleder", "#ingeniør #vannogavløp", OFFICE,
    ),
    "bygg": Profile(
        (("ingeniør", 2), ("prosjektleder", 1.5), ("byggdrifter", 2), ("renholder", 3),
         ("elektriker", 0.7)),
        ("teknikk",), "avdelingsleder", "#bygg #eiendom", (1.3, 1.2, 0.15, 0.2),
    ),
    "vei": Profile(
        (("fagarbeider", 3), ("maskinfører", 2), ("ingeniør", 1)),
        ("teknikk",), "avdelingsleder", "#veiogpark", (1.0, 1.4, 0.1, 0.3),
    ),
    "plan": Profile(
        (("arealplanlegger", 2), ("byggesaksbehandler", 3), ("jurist", 0.5)),
        ("teknikk",), "avdelingsleder", "#samfunnsplanlegging", OFFICE,
    ),
    "bibliotek": Profile(
        (("bibliotekar", 3), ("bibliotekassistent", 1)),
        ("kultur",), "biblioteksjef", "#bibliotek #kultur", (1.0, 1.3, 0.3, 0.8),
    ),
    "kulturskole": Profile(
        (("kulturskolelærer", 3), ("musikkpedagog", 2), ("danselærer", 1)),
        ("kultur",), "rektor", "#kulturskolen", (0.9, 1.4, 0.1, 1.0),
    ),
    "kulturhus": Profile(
        (("kulturarbeider", 2), ("lydtekniker", 1), ("arrangementsansvarlig", 1)),
        ("kultur",), "daglig leder", "#kulturhuset", (0.9, 1.4, 0.2, 1.0),
    ),
    "hr": Profile(
        (("HR-rådgiver", 3), ("lønnskonsulent", 2), ("saksbehandler", 1)),
        ("arbeidsmiljø", "rekruttering"), "HR-sjef", "#HR #arbeidsmiljø", OFFICE,
    ),
    "komm": Profile(
        (("kommunikasjonsrådgiver", 3), ("webredaktør", 1)),
        ("rekruttering",), "kommunikasjonssjef", "#kommunikasjon", (2.0, 1.0, 0.6, 0.6),
    ),
    "okonomi": Profile(
        (("økonomikonsulent", 3), ("controller", 1), ("saksbehandler", 1)),
        ("arbeidsmiljø",), "økonomisjef", "#økonomi", OFFICE,
    ),
    "it": Profile(
        (("IT-konsulent", 3), ("systemutvikler", 1), ("IT-rådgiver", 1)),
        ("innovasjon og digitalisering",), "IT-sjef", "#IT #digitalisering", OFFICE,
    ),
    "service": Profile(
        (("saksbehandler", 3), ("servicekonsulent", 2)),
        ("arbeidsmiljø",), "avdelingsleder", "#servicetorget", OFFICE,
    ),
}

# The unit tree under the organisation. Depth 1 are the sectors; sector leaders lead them.
SECTORS: tuple[Group, ...] = (
    Group("Helse og omsorg", (
        Group("Sykehjem", (
            Leaf("Solbakken sykehjem", 6, "sykehjem", "på Solbakken sykehjem"),
            Leaf("Fjordtun sykehjem", 5, "sykehjem", "på Fjordtun sykehjem"),
            Leaf("Lindheim bo- og omsorgssenter", 4, "sykehjem",
                 "på Lindheim bo- og omsorgssenter"),
        ), "virksomhetsleder"),
        Group("Hjemmetjenesten", (
            Leaf("Hjemmetjenesten sone nord", 4, "hjemme", "i hjemmetjenesten sone nord"),
            Leaf("Hjemmetjenesten sone sør", 4, "hjemme", "i hjemmetjenesten sone sør"),
        ), "virksomhetsleder"),
        Leaf("Legevakt", 2, "legevakt", "på legevakten"),
        Leaf("Helsestasjon og skolehelsetjeneste", 1.5, "helsestasjon", "på helsestasjonen"),
        Leaf("Psykisk helse og rus", 2, "psykisk", "i psykisk helse og rus"),
    )),
    Group("Oppvekst", (
        Group("Barnehager", (
            Leaf("Eikelund barnehage", 2, "barnehage", "i Eikelund barnehage"),
            Leaf("Solsikken barnehage", 2, "barnehage", "i Solsikken barnehage"),
            Leaf("Tusenfryd barnehage", 1.5, "barnehage", "i Tusenfryd barnehage"),
            Leaf("Bjørkeli barnehage", 1.5, "barnehage", "i Bjørkeli barnehage"),
        ), "barnehagesjef"),
        Group("Skoler", (
            Leaf("Sentrum skole", 3, "skole", "på Sentrum skole"),
            Leaf("Nordby skole", 2.5, "skole", "på Nordby skole"),
            Leaf("Haugen ungdomsskole", 3, "skole", "på Haugen ungdomsskole"),
            Leaf("Strand skole", 2, "skole", "på Strand skole"),
        ), "skolesjef"),
        Leaf("PP-tjenesten", 0.7, "ppt", "i PP-tjenesten"),
    )),
    Group("Teknisk", (
        Leaf("Vann og avløp", 1.5, "va", "i vann og avløp"),
        Leaf("Bygg og eiendom", 2, "bygg", "i bygg og eiendom"),
        Leaf("Vei og park", 1.2, "vei", "i vei og park"),
        Leaf("Plan og byggesak", 1, "plan", "i plan og byggesak"),
    )),
    Group("Kultur", (
        Leaf("Biblioteket", 0.8, "bibliotek", "på biblioteket"),
        Leaf("Kulturskolen", 1, "kulturskole", "i kulturskolen"),
        Leaf("Kulturhuset", 0.6, "kulturhus", "på kulturhuset"),
    )),
    Group("Administrasjon", (
        Leaf("Personal og organisasjon", 0.8, "hr", "i personal og organisasjon"),
        Leaf("Kommunikasjon", 0.4, "komm", "i kommunikasjonsavdelingen"),
        Leaf("Økonomi", 0.7, "okonomi", "i økonomiavdelingen"),
        Leaf("IT", 0.7, "it", "i IT-avdelingen"),
        Leaf("Servicetorget", 0.5, "service", "på servicetorget"),
    )),
)

SECTOR_TITLES = {
    "Helse og omsorg": "kommunalsjef helse og omsorg",
    "Oppvekst": "kommunalsjef oppvekst",
    "Teknisk": "kommunalsjef teknisk",
    "Kultur": "kultursjef",
    "Administrasjon": "organisasjonssjef",
}

# (name, description, archived)
TOPICS: tuple[tuple[str, str, bool], ...] = (
    ("rekruttering", "Ledige stillinger og hvordan vi finner nye kolleger.", False),
    ("sykepleie", "Sykepleiere og helsefagarbeidere i hverdagen.", False),
    ("helse og omsorg", "Sykehjem, hjemmetjenesten, legevakt og helsestasjon.", False),
    ("barnehage", "Barnehagelærere og livet i barnehagene våre.", False),
    ("skole", "Lærere, elever og skolehverdagen.", False),
    ("teknikk", "Ingeniører og fagarbeidere som holder kommunen i gang.", False),
    ("kultur", "Bibliotek, kulturskole og kulturhus.", False),
    ("arbeidsmiljø", "Kolleger, heltidskultur og trivsel på jobb.", False),
    ("lærlinger", "Lærlingplasser og fagbrev i kommunen.", False),
    ("sommerjobb", "Sommervikarer og sommerjobber.", False),
    ("innovasjon og digitalisering", "Velferdsteknologi og nye måter å jobbe på.", False),
    ("vaksinasjon", "Vaksinasjonskampanjen (avsluttet).", True),
)

FEMALE = (
    "Anne", "Ingrid", "Kari", "Marit", "Liv", "Hilde", "Nora", "Emma", "Sofie", "Ida", "Maja",
    "Ingeborg", "Sara", "Thea", "Silje", "Camilla", "Marte", "Kristin", "Line", "Tone", "Randi",
    "Astrid", "Solveig", "Hanne", "Elin", "Heidi", "Mona", "Anita", "Nina", "Julie", "Linnea",
    "Amalie", "Hanna", "Tuva", "Aisha", "Fatima", "Agnieszka", "Maria", "Sunniva", "Vilde",
    "Synnøve", "Guro", "Siri", "Eli", "Berit", "Bente", "Trine", "Gunn", "Turid", "Mette",
    "Karianne", "Ragnhild", "Åse", "Lene", "Marianne", "Helene", "Frida", "Selma", "Eva", "Ane",
)
MALE = (
    "Ole", "Lars", "Per", "Jan", "Bjørn", "Knut", "Hans", "Arne", "Tor", "Erik", "Jon",
    "Magnus", "Henrik", "Jakob", "Emil", "Sander", "Martin", "Andreas", "Kristian", "Anders",
    "Thomas", "Espen", "Geir", "Terje", "Rune", "Stian", "Øyvind", "Håkon", "Sindre", "Eirik",
    "Mohammed", "Ali", "Tomasz", "Piotr", "Jonas", "Tobias", "Mathias", "Aksel", "Filip",
    "Vegard", "Trond", "Morten", "Even", "Sigurd", "Odd", "Svein", "Kjell", "Leif", "Gunnar",
    "Ivar", "Halvor", "Audun", "Petter", "Jørgen", "Kasper", "Yusuf", "Daniel", "Ståle",
)
SURNAMES = (
    "Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Kristiansen",
    "Jensen", "Karlsen", "Johnsen", "Pettersen", "Eriksen", "Berg", "Haugen", "Hagen",
    "Johannessen", "Andreassen", "Jacobsen", "Dahl", "Jørgensen", "Halvorsen", "Henriksen",
    "Lund", "Sørensen", "Jakobsen", "Moen", "Gundersen", "Iversen", "Strand", "Solberg",
    "Svendsen", "Eide", "Knutsen", "Martinsen", "Paulsen", "Bakken", "Kristoffersen",
    "Mathisen", "Lie", "Amundsen", "Nguyen", "Rasmussen", "Lunde", "Solheim", "Berge", "Moe",
    "Nygård", "Bakke", "Kristensen", "Fredriksen", "Holm", "Lien", "Hauge", "Christensen",
    "Andresen", "Nielsen", "Knudsen", "Evensen", "Sæther", "Aas", "Myhre", "Hanssen", "Ahmed",
    "Haugland", "Thomassen", "Sivertsen", "Simonsen", "Danielsen", "Berntsen", "Sandvik",
    "Rønning", "Arnesen", "Antonsen", "Næss", "Vik", "Haug", "Ellingsen", "Thorsen",
    "Edvardsen", "Birkeland", "Isaksen", "Gulbrandsen", "Ruud", "Aasen", "Strøm", "Myklebust",
    "Tangen", "Ødegård", "Eliassen", "Helland", "Bøe", "Aune", "Mikkelsen", "Tveit", "Brekke",
    "Abrahamsen", "Madsen", "Kowalski", "Nowak", "Hussain", "Khan", "Tesfaye", "Abdi", "Silva",
    "Le", "Yilmaz", "Ibrahim",
)

PROGRAMME_NAME = "Ambassadørprogrammet i Eksempel kommune"
PURPOSE = (
    "Vi deler historiene til kollegene våre og de ledige stillingene våre, slik at flere "
    "får lyst til å jobbe i Eksempel kommune. Særlig trenger vi sykepleiere, "
    "helsefagarbeidere, barnehagelærere, lærere og ingeniører i årene som kommer. Når du "
    "deler i ditt eget nettverk, med dine egne ord, når vi folk som ingen annonse når."
)
GUIDELINES = "\n\n".join((
    "Det er frivillig å være ambassadør, og du deler bare det du selv har lyst til å dele. "
    "Skriv gjerne teksten om med dine egne ord – det er det som gjør at folk leser den.",
    "Du har taushetsplikt også i sosiale medier. Del aldri opplysninger om pasienter, "
    "brukere, elever, barn eller pårørende, heller ikke i anonymisert form, og aldri bilder "
    "der de kan kjennes igjen.",
    "Bilder av kolleger deler du bare når de har sagt ja. Bilder av barn i barnehage og "
    "skole deler du aldri uten skriftlig samtykke fra foresatte, og helst ikke i det hele tatt.",
    "Du snakker på egne vegne, ikke på vegne av kommunen. Er du usikker på om noe kan deles, "
    "spør kommunikasjonsavdelingen eller lederen din før du deler.",
    "Kommenter gjerne og svar på spørsmål om jobben din, men henvis spørsmål om enkeltsaker, "
    "klager og politiske saker til kommunens offisielle kanaler.",
    "LinkedIn egner seg for faglige innlegg og stillinger, Facebook for det som er nært og "
    "lokalt, Instagram for bilder fra hverdagen (lenken legger du i bio eller i en story) og "
    "X for korte nyheter.",
    "Du kan når som helst melde deg ut av programmet. Lenkene du deler, telles anonymt: vi "
    "ser hvor mange som klikker, men aldri hvem de er.",
))

QUOTES = (
    "Ingen dager er like, og det er det jeg liker best",
    "Her får jeg bruke hele fagkunnskapen min",
    "Kollegene gjør at jeg gleder meg til å gå på jobb",
    "Jeg får være med og gjøre en forskjell hver eneste dag",
    "Jeg har fått både videreutdanning og nye utfordringer her",
    "Det beste er når innbyggerne merker at vi bryr oss",
    "Vi har et fagmiljø der ingen står alene",
    "Jeg valgte en hel stilling hos oss, og det har jeg aldri angret på",
    "Her blir ideene mine tatt på alvor",
    "Jeg lærer noe nytt hver uke",
    "Det er meningsfullt å jobbe for sitt eget lokalsamfunn",
    "Vi ler mye, selv på travle dager",
    "Jeg startet som lærling, og nå har jeg fagbrev og fast jobb",
    "Jeg får brukt både hodet og hendene",
)

STORY_DETAILS = (
    "{first} forteller om en hverdag med faglig utvikling, gode kolleger og oppgaver som "
    "betyr noe for innbyggerne.",
    "{first} har jobbet hos oss i {years} år og forteller hvorfor det fortsatt er en god "
    "arbeidsplass.",
    "I denne saken får du bli med {first} gjennom en helt vanlig arbeidsdag.",
    "{first} forteller om veien inn i yrket, og om hvorfor kommunen var riktig valg.",
)

STORY_TITLES = (
    "Møt {first}, {prof} {at}",
    "En dag på jobb med {first} {at}",
    "{first} om å jobbe som {prof}",
    "Hvorfor {first} valgte å bli {prof} i Eksempel kommune",
)

JOB_TITLES = (
    "Vi søker {prof} {at}",
    "Ledig stilling: {prof} ({pct} %)",
    "Bli vår nye kollega: {prof} {at}",
)
JOB_DETAILS = (
    "Du får et godt fagmiljø, fleksible arbeidstider og mulighet for videreutdanning.",
    "Vi tilbyr introduksjonsprogram for nyansatte, fadder og gode pensjonsordninger.",
    "Vi satser på heltid: her får du en hel stilling og en forutsigbar turnus.",
    "Hos oss får du ansvar fra dag én og kolleger som heier på deg.",
)

EVENTS = (
    ("Karrieredag i Eksempel kommune", "Kom og møt oss på karrieredagen"),
    ("Åpen dag {at}", "Velkommen til åpen dag {at}"),
    ("Jobbmesse for helse- og omsorgsfag", "Møt oss på jobbmessen for helse- og omsorgsfag"),
    ("Infomøte om lærlingplasser", "Vil du ta fagbrev hos oss? Kom på infomøtet om lærlingplasser"),
    ("Sommerjobbtreff", "Lurer du på sommerjobb? Kom på sommerjobbtreffet"),
    ("Studentdag for sykepleierstudenter", "Sykepleierstudent? Kom på studentdagen vår"),
    ("Frokostmøte for nyutdannede lærere", "Nyutdannet lærer? Bli med på frokostmøte"),
)

NEWS = (
    "Nye lokaler er tatt i bruk {at}",
    "Velferdsteknologi gir mer tid til brukerne {at}",
    "Eksempel kommune satser på heltidskultur",
    "Rekordmange lærlinger i Eksempel kommune i år",
    "Pris for godt arbeidsmiljø {at}",
    "{count} ansatte tar videreutdanning i år",
    "Eksempel kommune blant de mest attraktive arbeidsgiverne i regionen",
)

MONTHS_NB = (
    "januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september",
    "oktober", "november", "desember",
)

SHARE_PREFIXES = (
    "Stolt av kollegene mine! ",
    "Anbefales! ",
    "Dette er arbeidsplassen min 💙 ",
    "Tips gjerne videre! ",
    "Kjenner du noen som passer? ",
    "Verdt å lese: ",
    "Proud of my colleagues! ",
)

# Where clicks come from, per network: (referrer host or None, weight). Apps often send none.
REFERRERS: dict[str, tuple[tuple[str | None, float], ...]] = {
    "linkedin": (("www.linkedin.com", 62), ("lnkd.in", 6), ("com.linkedin.android", 7),
                 (None, 25)),
    "facebook": (("l.facebook.com", 55), ("lm.facebook.com", 18), ("m.facebook.com", 7),
                 (None, 20)),
    "x": (("t.co", 80), (None, 20)),
    "instagram": (("l.instagram.com", 65), (None, 35)),
}

# A leader's note when endorsing a post (empty notes are common too).
ENDORSEMENT_NOTES = (
    "Stolt av dette laget – del gjerne!",
    "Dette er en viktig stilling for oss. Tips noen du kjenner!",
    "Godt jobbet! Hjelp oss å nå ut.",
    "Vi trenger flere gode kolleger – del i nettverket ditt.",
    "Flott sak om hverdagen vår. Del gjerne!",
    "Kjenner du noen som passer? Del med dem.",
)

# Kudos from a leader; {first} is the recipient's first name.
KUDOS_MESSAGES = (
    "Takk for at du delte stillingsannonsen, {first} – vi fikk mange gode søkere!",
    "Tusen takk for innsatsen som ambassadør, {first}!",
    "Så fint at du deler fra hverdagen vår, {first}. Det betyr mye.",
    "Takk, {first}! Innlegget ditt nådde langt.",
    "Du er en god ambassadør for oss, {first}. Takk!",
    "Takk for at du alltid er først ute med å dele, {first}.",
)
