"""A fictional CPTS, loaded on request only, so a newcomer sees a living portal.

Everything loaded here is marked: the `demo` setting makes every page show a banner.
Each module adds its own demo content as a step of `load`.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from ..accounts import auth, passwords
from ..care import doctor_requests, unscheduled_care
from ..core import validation
from ..core.db import Store, Transaction, iso, now, set_setting
from ..core.errors import PortalError
from ..core.formats import PARIS, fold
from ..core.roles import ADMIN, BUREAU, COORDINATOR, MEMBER, Actor
from ..directory import organizations, persons
from ..meetings import schedule
from ..missions import actions, indicators
from ..questionnaires import campaigns, responses

CPTS_NAME = "CPTS du Giennois (démonstration)"
PASSWORD = passwords.PUBLISHED
USERS = (
    ("demo.admin", "Claire Martin", (ADMIN,)),
    ("demo.bureau", "Dr Paul Bernard", (BUREAU, MEMBER)),
    ("demo.bureau2", "Sophie Moreau", (BUREAU, MEMBER)),
    ("demo.coordination", "Julie Lefèvre", (COORDINATOR,)),
    ("demo.coordination2", "Thomas Girard", (COORDINATOR,)),
    ("demo.membre", "Dr Hélène Roux", (MEMBER,)),
    ("demo.membre2", "Marc Fontaine", (MEMBER,)),
    ("demo.membre3", "Léa Dubois", (MEMBER,)),
)
ACTOR = Actor("demo", frozenset({ADMIN}))

# Real communes of the Giennois (Loiret) and of the north of the Cher.
COMMUNES = ("45155", "45053", "45254", "45280", "45227", "45108", "45245", "45087", "45029",
            "45040", "45271", "45291", "45036", "45016", "18015", "18011", "18030", "18125",
            "18026", "18269", "18259", "18243", "18067", "18170")
# Fictional organisations: (name, kind, sector, commune, phone).
ORGANIZATIONS = (
    ("MSP des Bords de Loire", "msp", "sanitaire", "45155", "02 38 05 10 10"),
    ("MSP du Canal de Briare", "msp", "sanitaire", "45053", "02 38 31 20 20"),
    ("Maison de santé d'Aubigny", "msp", "sanitaire", "18015", "02 48 58 30 30"),
    ("Cabinet infirmier du Pont", "cabinet", "sanitaire", "45254", "02 38 67 40 40"),
    ("Pharmacie de la Loire", "pharmacie", "sanitaire", "45155", "02 38 67 50 50"),
    ("Pharmacie du Berry", "pharmacie", "sanitaire", "18011", "02 48 73 60 60"),
    ("Centre hospitalier du Giennois", "centre_hospitalier", "sanitaire", "45155",
     "02 38 29 70 70"),
    ("EHPAD Les Tilleuls", "ehpad", "medico_social", "45087", "02 38 31 80 80"),
    ("SSIAD du Val de Loire", "ssiad", "medico_social", "45053", "02 38 31 90 90"),
    ("CMP adultes de Gien", "cmp", "sanitaire", "45155", "02 38 67 11 11"),
    ("CCAS de Gien", "ccas", "social", "45155", "02 38 29 22 22"),
    ("DAC du Loiret, antenne Est", "dac", "medico_social", "45155", "02 38 67 33 33"),
)
LAST_NAMES = ("Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois",
              "Moreau", "Laurent", "Simon", "Michel", "Lefèvre", "Leroy", "Roux", "David",
              "Bertrand", "Morel", "Fournier", "Girard", "Bonnet", "Dupont", "Lambert",
              "Fontaine", "Rousseau", "Vincent", "Muller", "Lefebvre", "Faure", "André",
              "Mercier", "Blanc", "Guérin", "Boyer", "Garnier", "Chevalier", "François",
              "Legrand", "Gauthier", "Garcia", "Perrin", "Robin", "Clément", "Morin",
              "Nicolas", "Henry", "Roussel", "Mathieu", "Gautier", "Masson", "D'Amiens")
FIRST_NAMES = (("Camille", "Mme"), ("Julien", "M."), ("Sophie", "Mme"), ("Nicolas", "M."),
               ("Claire", "Mme"), ("Thomas", "M."), ("Émilie", "Mme"), ("Pierre", "M."),
               ("Isabelle", "Mme"), ("Antoine", "M."), ("Céline", "Mme"), ("Mathieu", "M."),
               ("Aurélie", "Mme"), ("François", "M."), ("Hélène", "Mme"), ("Romain", "M."),
               ("Élodie", "Mme"), ("Guillaume", "M."), ("Nathalie", "Mme"), ("Maxime", "M."),
               ("Chloé", "Mme"), ("Benoît", "M."))
# (profession code, specialty, organisation kinds they work in, tags to draw from, count)
PROFESSIONS = (
    ("10", "SM54", ("msp",), ("ETP diabète", "gériatrie", "addictologie", "pédiatrie"), 14),
    ("10", None, ("centre_hospitalier",), ("cardiologie", "urgences", "gériatrie"), 4),
    ("60", None, ("cabinet", "msp", "ssiad"), ("plaies chroniques", "soins palliatifs",
                                               "ETP diabète", "Asalée"), 14),
    ("70", None, ("msp",), ("rééducation respiratoire", "kiné du sport", "vestibulaire"), 7),
    ("21", None, ("pharmacie",), ("vaccination", "entretiens AVK", "bilan de médication"), 6),
    ("50", None, ("msp",), ("suivi gynécologique", "préparation à la naissance"), 3),
    ("40", None, ("cabinet",), ("soins dentaires enfants",), 3),
    ("91", None, ("msp",), ("troubles du langage",), 2),
    ("93", None, ("cmp",), ("addictologie", "psychotraumatisme"), 2),
    ("41", None, ("ccas", "dac"), ("accès aux droits", "précarité"), 3),
)


def is_loaded(store: Store) -> bool:
    return store.get_setting("demo") == "1"


def accounts() -> list[dict]:
    """The demo accounts, as the first-run screen and the CLI print them."""
    return [{"username": u, "name": n, "roles": list(r), "password": PASSWORD}
            for u, n, r in USERS]


def load(store: Store, rounds: int) -> list[dict]:
    """Load the demo CPTS into an empty portal; refused once it is in use."""
    if is_loaded(store):
        raise PortalError("La CPTS de démonstration est déjà chargée.")
    taken = store.scalar(
        f"SELECT COUNT(*) FROM users WHERE username IN ({', '.join('?' for _ in USERS)})",
        [u for u, _, _ in USERS])
    if taken:
        raise PortalError("Des comptes de démonstration existent déjà dans ce portail.")
    password_hash = passwords.hash_password(PASSWORD, rounds)
    with store.write(ACTOR) as tx:
        for username, name, roles in USERS:
            auth.insert_user(tx, username, name, f"{username}@example.org",
                              password_hash, list(roles), False)
        set_setting(tx, "cpts_name", CPTS_NAME)
        set_setting(tx, "demo", "1")
        # A contract signed in spring 2025 with the first complementary mission.
        set_setting(tx, "contract_signed_on", "2025-03-14")
        set_setting(tx, "contract_complementary", "complementaire_1")
        set_setting(tx, "contract_size", "2")
        people = _directory(tx)
        _actions(tx)
        _indicators(tx)
        _meetings(tx)
        _questionnaires(tx)
        _doctor_search(tx)
        _unscheduled_care(tx)
        tx.audit("demo", None, "load", after={"accounts": len(USERS), "people": people})
    return accounts()


def _rpps(rng: random.Random) -> str:
    """A fictional RPPS (prefix 1999) with a valid check key."""
    body = "1999" + "".join(str(rng.randrange(10)) for _ in range(6))
    return next(body + d for d in "0123456789" if validation.luhn_ok(body + d))


def _directory(tx: Transaction) -> int:
    """The territory, fictional organisations and professionals; returns people added."""
    tx.executemany("INSERT OR IGNORE INTO territory_communes (code) VALUES (?)",
                        [(c,) for c in COMMUNES])
    tx.audit("territory", None, "add_communes", after={"communes": list(COMMUNES)})
    rng = random.Random(2026)
    structures: dict[str, list[int]] = {}
    for name, kind, sector, commune, phone in ORGANIZATIONS:
        org_id, _ = organizations.write_organization(tx, {
            "name": name, "kind": kind, "sector": sector, "commune_code": commune,
            "phone": phone,
            "email": f"contact@{kind.replace('_', '-')}-{commune}.example.org",
        }, demo=True)
        structures.setdefault(kind, []).append(org_id)
    count = 0
    for profession, specialty, kinds, tags, how_many in PROFESSIONS:
        for _ in range(how_many):
            last, (first, civility) = rng.choice(LAST_NAMES), rng.choice(FIRST_NAMES)
            kind = rng.choice(kinds)
            commune = rng.choice(COMMUNES[:6] + COMMUNES[14:16])
            is_gp = specialty is not None
            values = {
                "civility": "Dr" if profession in ("10", "40") else civility,
                "last_name": last, "first_name": first, "profession_code": profession,
                "specialty_code": specialty, "rpps": _rpps(rng),
                "practice_mode": "salarie" if kind in ("centre_hospitalier", "cmp", "ccas",
                                                       "dac", "ssiad") else "liberal",
                "phone": f"02 38 {rng.randrange(10, 99)} {rng.randrange(10, 99)} "
                         f"{rng.randrange(10, 99)}",
                "email": f"{fold(first)}.{fold(last).replace(' ', '')}.{count}@example.org"
                         .replace("'", ""),
                "commune_code": commune,
                "accepts_patients": rng.choice(("yes", "no", "no")) if is_gp else None,
                "snp": is_gp and rng.random() < 0.6 or profession in ("60", "70") and
                rng.random() < 0.3,
                "member": rng.random() < 0.7, "visible": rng.random() < 0.95,
            }
            persons.write_person(tx, values, organization_ids=structures.get(kind, [])[:1],
                                   tags=rng.sample(tags, k=min(len(tags), rng.randrange(0, 3))),
                                   demo=True)
            count += 1
    return count


# The seven actions of the Giennois-Berry health project (titles are the project's;
# the texts are written for the demo): (title, missions, status, progress, context,
# objectives, partners, linked action numbers).
ACTIONS = (
    ("La communication ville-hôpital", ("socle_2",), "en_cours", 40,
     ("Les libéraux et le centre hospitalier se connaissent mal ; les sorties "
     "d'hospitalisation arrivent sans information au médecin traitant."),
     ("Des correspondants nommés de part et d'autre, un courrier de sortie le jour même, "
     "une réunion ville-hôpital par trimestre."), ("ARS",), (2, 7)),
    ("L'articulation entre le premier et le second recours", ("socle_2",), "projet", 10,
     "Peu de spécialistes sur le territoire et des délais de rendez-vous longs.",
     ("Des créneaux réservés aux demandes des équipes de soins primaires, la télé-expertise "
     "pour éviter les déplacements inutiles."), ("Assurance Maladie",), (1, 4)),
    ("Organisation de la réponse aux soins non programmés", ("socle_1",), "en_cours", 55,
     ("Les MSP répondent à leur patientèle ; les autres patients se tournent vers les "
     "urgences."), ("Une réponse dans les 24 heures pour tout habitant du territoire, avec une "
     "orientation téléphonique et le lien avec le SAS."), ("Assurance Maladie", "ARS", "SAS",
                                                          "GRADeS"), (4,)),
    ("Télé-expertise et téléconsultation", ("socle_1",), "en_cours", 30,
     "Des zones éloignées des cabinets et des spécialistes.",
     "Équiper les cabinets volontaires et former les professionnels aux outils régionaux.",
     ("GRADeS", "Assurance Maladie"), (2, 3)),
    ("Prévention", ("socle_3",), "realisee", 100,
     "Des actions existent dans les MSP et au CMP mais ne touchent pas tout le territoire.",
     ("Étendre les consultations d'addictologie, informer sur l'offre de soins non programmés, "
     "développer le carnet de vaccination en ligne."), ("ARS",), ()),
    ("Protocoles de coopération et délégation de tâches", ("complementaire_1",), "projet", 0,
     "La prise en charge des maladies chroniques demande du temps médical rare.",
     ("Écrire et mettre en œuvre des protocoles de coopération entre médecins, infirmiers et "
     "pharmaciens."), ("ARS", "Assurance Maladie"), ()),
    ("L'interconnaissance et les outils de communication", ("socle_2", "complementaire_2"),
     "en_cours", 65, ("Les professionnels ne connaissent pas tous leurs interlocuteurs ni "
     "leurs compétences."), ("Un annuaire partagé des acteurs sanitaires, médico-sociaux et "
     "sociaux, une messagerie sécurisée pour tous."), ("GRADeS",), (1,)),
)


def _actions(tx: Transaction) -> None:
    """The health project's seven actions, two of them with referents from the directory."""
    referents = [r["id"] for r in tx.all("SELECT id FROM people WHERE profession_code = '10'"
                                         " ORDER BY id LIMIT 3")]
    ids = {}
    for number, (title, missions, status, progress, context, objectives, partners,
                 _) in enumerate(ACTIONS, start=1):
        ids[number] = actions.write_action(tx, {
            "number": number, "title": title, "status": status, "progress": progress,
            "context": context, "objectives": objectives,
            "territory_covered": "Ensemble du territoire de la CPTS",
            "beneficiaries": "Professionnels de santé et patients du territoire",
            "start_on": f"2025-{number + 2:02d}-01",
        }, missions=missions, referents=referents[:1] if number in (3, 7) else (),
            partners=partners, demo=True)
    for number, action in enumerate(ACTIONS, start=1):
        actions.link(tx, ids[number], [ids[n] for n in action[-1]])


# Indicators in the ACI's usual vocabulary: (name, mission, kind, unit, period, target,
# direction, aggregation, source).
INDICATORS = (
    ("Patients sans médecin traitant sur le territoire (dont ALD, 70 ans et plus, C2S)",
     "socle_1", "diagnostic", "patients", "year", 3800, "lower", "last", "manual"),
    ("Patients fragiles aidés à trouver un médecin traitant", "socle_1", "resultat",
     "patients", "month", 219, "higher", "sum", "manual"),
    ("Demandes de soins non programmés traitées sous 24 h", "socle_1", "resultat", "%",
     "month", 90, "higher", "mean", "manual"),
    ("Passages aux urgences non suivis d'hospitalisation", "socle_1", "resultat", "%", "year",
     None, "lower", "last", "manual"),
    ("Plan de crise transmis à l'ARS et à la CPAM dans l'année (1 = oui)", "socle_4", "moyens",
     "", "year", 1, "higher", "last", "manual"),
    ("Actions de prévention menées", "socle_3", "moyens", "actions", "quarter", 8, "higher",
     "sum", "manual"),
    ("Fiches action en cours", "socle_2", "moyens", "actions", "quarter", None, "higher",
     "last", "actions_en_cours"),
    ("Temps de coordination en réunion sur les parcours", "socle_2", "moyens",
     "heures-participant", "quarter", 120, "higher", "sum", "temps_reunions"),
    ("Patients fragiles ayant trouvé un médecin traitant (suivi du portail)", "socle_1",
     "resultat", "patients", "month", 60, "higher", "sum", "mt_fragiles_trouves"),
    ("Demandes de soins non programmés vues sous 24 h", "socle_1", "resultat", "%", "month",
     90, "higher", "mean", "snp_24h"),
)
FIELDS = ("name", "mission_code", "kind", "unit", "period", "target", "direction",
          "aggregation", "source")


def _indicators(tx: Transaction) -> None:
    """The demo's indicators, with values for the periods of the year already over."""
    rng = random.Random(219)
    ids = [indicators.write_indicator(tx, dict(zip(FIELDS, row)), demo=True)
           for row in INDICATORS]
    today = date.today()
    rows = [(ids[1], date(today.year, month, 1).isoformat(), rng.randrange(12, 26), "")
            for month in range(1, today.month)]
    rows += [(ids[2], date(today.year, month, 1).isoformat(), rng.randrange(78, 95), "")
             for month in range(1, today.month)]
    rows += [(ids[5], date(today.year, month, 1).isoformat(), rng.randrange(1, 3), "")
             for month in range(1, indicators.period_start(today, "quarter").month, 3)]
    rows.append((ids[0], date(today.year, 1, 1).isoformat(), 4120,
                 "Données CPAM : 1 030 en ALD, 1 480 de 70 ans et plus, 610 C2S."))
    tx.executemany(
        "INSERT INTO indicator_values (indicator_id, period_start, value, comment, entered_by,"
        " entered_at) VALUES (?, ?, ?, ?, 'demo', ?)", [(*row, iso(now())) for row in rows])
    tx.audit("demo", None, "indicator_values", after={"values": len(rows)})


# The demo's meetings, in days from the day it is loaded: (days, kind, title, start, end,
# missions, action numbers, who is invited, minutes).
MEETINGS = (
    (-150, "ag", "Assemblée générale ordinaire", time(19, 0), time(21, 0), (), (), "members",
     ("Rapport moral présenté par la présidente, rapport financier par le trésorier. "
     "Présentation des actions de l'année et du projet de santé actualisé.")),
    (-49, "ca", "Conseil d'administration de rentrée", time(18, 30), time(20, 30), (), (),
     "ca", "Point sur l'ACI : indicateurs du premier semestre. Budget prévisionnel 2027."),
    (-42, "sensibilisation", "Soirée prévention : vaccination HPV", time(20, 0), time(22, 0),
     ("socle_3",), (), "profession:21", "Présentation du calendrier vaccinal et des outils."),
    (-21, "bureau", "Bureau", time(12, 30), time(14, 0), (), (), "bureau",
     "Recrutement d'une seconde coordinatrice : fiche de poste validée."),
    (-14, "groupe_travail", "Groupe de travail soins non programmés", time(20, 0),
     time(21, 30), ("socle_1",), (3,), "profession:10",
     "Organisation des créneaux SNP de l'hiver, lien avec le SAS du Loiret."),
    (-7, "groupe_travail", "Parcours insuffisance cardiaque", time(20, 0), time(22, 0),
     ("socle_2",), (), "profession:60", "Relecture du protocole de sortie d'hospitalisation."),
    (3, "groupe_travail", "Parcours insuffisance cardiaque (suite)", time(20, 0), time(22, 0),
     ("socle_2",), (), "profession:60", ""),
    (10, "bureau", "Bureau", time(12, 30), time(14, 0), (), (), "bureau", ""),
    (17, "concertation", "Concertation cas complexe (secteur Briare)", time(13, 0),
     time(14, 0), ("complementaire_1",), (), "profession:70", ""),
)
MANDATES = (("bureau", "president"), ("bureau", "vice_president"), ("bureau", "tresorier"),
            ("bureau", "secretaire"))


def _meetings(tx: Transaction) -> None:
    """The bureau and CA, a year of meetings with attendance, minutes, votes and
    decisions; the member and bureau accounts tied to directory records."""
    rng = random.Random(2026)
    members = [r["id"] for r in tx.all("SELECT id FROM people WHERE member = 1 ORDER BY id")]
    elected = date.today() - timedelta(days=400)
    mandates = [(p, body, role) for p, (body, role) in zip(members, MANDATES)]
    mandates += [(p, "ca", "membre") for p in members[:9]]
    tx.executemany(
        "INSERT INTO mandates (person_id, body, role, starts_on, demo) VALUES (?, ?, ?, ?, 1)",
        [(p, body, role, elected.isoformat()) for p, body, role in mandates])
    names = {u: n for u, n, _ in USERS}
    for username, person_id in zip(("demo.bureau", "demo.bureau2", "demo.membre",
                                    "demo.membre2", "demo.membre3"), members[:2] + members[9:12]):
        # The account's holder is this record: it takes the account's name.
        first, last = names[username].removeprefix("Dr ").split(" ", 1)
        tx.execute("UPDATE people SET first_name = ?, last_name = ?, name_key = ?, email = ?"
                   " WHERE id = ?", (first, last, persons.name_key(last, first),
                                     f"{username}@example.org", person_id))
        persons.index_person(tx, person_id)
        tx.execute("UPDATE users SET person_id = ? WHERE username = ?", (person_id, username))
    numbers = {r["number"]: r["id"] for r in tx.all("SELECT id, number FROM actions")}
    for days, kind, title, start, end, missions, action_numbers, group, text in MEETINGS:
        day = date.today() + timedelta(days=days)
        meeting_id = schedule.write_meeting(
            tx, {"kind": kind, "title": title, "day": day, "start": start, "end": end,
                 "place": "Maison de santé de Gien, salle de réunion", "agenda": text},
            missions=missions, actions=[numbers[n] for n in action_numbers], demo=True)
        invited = _invitees(tx, group, day)
        past = days < 0
        tx.executemany("INSERT INTO attendees (meeting_id, person_id, status)"
                            " VALUES (?, ?, ?)",
                            [(meeting_id, p, rng.choices(("present", "excuse", "absent"),
                                                         (7, 2, 1))[0] if past else "invite")
                             for p in invited])
        if past:
            tx.execute("UPDATE meetings SET minutes = ?, minutes_restricted = ? WHERE id = ?",
                       (f"{text}\n\nCompte rendu rédigé par la coordination.",
                        int(kind == "bureau"), meeting_id))
            _records(tx, meeting_id, kind, day)
    tx.audit("demo", None, "meetings", after={"meetings": len(MEETINGS),
                                              "mandates": len(mandates)})


def _invitees(tx: Transaction, group: str, day: date) -> list[int]:
    if group in ("bureau", "ca"):
        rows = tx.all("SELECT person_id AS id FROM mandates WHERE body = ?", (group,))
    elif group == "members":
        rows = tx.all("SELECT id FROM people WHERE member = 1")
    else:
        rows = tx.all("SELECT id FROM people WHERE profession_code = ? AND member = 1",
                      (group.split(":")[1],))
    return sorted(r["id"] for r in rows)


def _records(tx: Transaction, meeting_id: int, kind: str, day: date) -> None:
    """Votes and decisions of a past meeting; one task is overdue, to be chased."""
    voters = tx.one("SELECT COUNT(*) AS n FROM attendees WHERE meeting_id = ?"
                    " AND status = 'present'", (meeting_id,))["n"]
    stamp = iso(now())
    if kind in ("ag", "ca"):
        motions = [("Approbation du budget prévisionnel 2027" if kind == "ca" else
                    "Approbation du rapport moral et financier", "simple", voters, 0, 0)]
        if kind == "ag":
            motions.append(("Modification des statuts (collège des usagers)", "deux_tiers",
                            voters // 2, voters // 2 - 2, 2))
        tx.executemany(
            "INSERT INTO motions (meeting_id, title, majority, votes_for, votes_against,"
            " abstentions, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(meeting_id, *m, stamp) for m in motions])
    owner = tx.one("SELECT person_id FROM attendees WHERE meeting_id = ? ORDER BY id",
                   (meeting_id,))["person_id"]
    decision, text, due_days, status = DECISIONS[kind]
    due = None if due_days is None else date.today() + timedelta(days=due_days)
    tx.execute("INSERT INTO decisions (meeting_id, kind, text, owner_id, due_on, status,"
               " done_on, demo, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
               (meeting_id, decision, text, owner, due and due.isoformat(), status,
                day.isoformat() if status == "faite" else None, stamp, stamp))


# A decision or task per kind of past meeting: (kind, text, due in days, status).
DECISIONS = {
    "ag": ("tache", "Diffuser le compte rendu de l'AG aux adhérents", -140, "faite"),
    "ca": ("tache", "Transmettre les chiffres du trimestre à la CPAM", -9, "en_cours"),
    "sensibilisation": ("tache", "Envoyer le support de présentation aux participants", -30,
                        "faite"),
    "bureau": ("tache", "Publier l'offre d'emploi de coordinatrice", 10, "a_faire"),
    "groupe_travail": ("decision", ("Les créneaux SNP sont ouverts le samedi matin, de "
                       "décembre à mars"), None, "a_faire"),
}


# The two consultations of the demo: (title, days ago received, share of the directory
# that answered, chance of a Oui per question, closed).
CAMPAIGNS = (
    ("Consultation de préfiguration", 420, 0.35, (0.3, 0.5, 0.45, 0.35, 0.4, 0.25), True),
    ("Consultation des professionnels 2026", 20, 0.45, (0.55, 0.6, 0.5, 0.55, 0.6, 0.35),
     False),
)
COMMENTS = ("Intéressé par un groupe sur les plaies chroniques.",
            "Disponible plutôt en fin de journée.",
            "Souhaite un annuaire partagé des kinés et des infirmiers.")


def _questionnaires(tx: Transaction) -> None:
    """Two consultations of the territory's professionals, a year apart, so results and
    the comparison have something to show; a few sheets are incomplete."""
    rng = random.Random(2025)
    people = [r["id"] for r in tx.all("SELECT id FROM people WHERE merged_into IS NULL"
                                      " ORDER BY id")]
    for title, days, share, chances, closed in CAMPAIGNS:
        campaign_id = campaigns.write_campaign(tx, {
            "title": title, "territory": CPTS_NAME,
            "return_by": date.today() - timedelta(days=days - 30),
            "return_address": "CPTS du Giennois, 1 place de la Victoire, 45500 Gien"},
            demo=True)
        questions = campaigns.questions(tx, campaign_id)
        for person_id in rng.sample(people, int(len(people) * share)):
            answers = {}
            for question, chance in zip(questions, chances):
                if rng.random() < 0.95:  # one sheet in twenty leaves a question blank
                    answers[question["id"]] = "oui" if rng.random() < chance else rng.choice(
                        campaigns.choices(question)[1:])
            if rng.random() < 0.1:
                answers[questions[-1]["id"]] = rng.choice(COMMENTS)
            responses.write_response(
                tx, campaign_id, answers, person_id=person_id, new_person=None,
                received_on=date.today() - timedelta(days=days - rng.randrange(20)),
                channel=rng.choice(("papier", "papier", "courriel")), replace=False,
                demo=True)
        if closed:
            tx.execute("UPDATE campaigns SET closed = 1 WHERE id = ?", (campaign_id,))


# Fictional patients looking for a médecin traitant: (last name, first name, birth date,
# days ago, criteria, steps taken).
PATIENTS = (
    ("Lemoine", "Gisèle", date(1948, 4, 12), 61, ("ald",), ("en_recherche",)),
    ("Perrot", "Ahmed", date(1979, 9, 3), 40, ("precarite",), ()),
    ("Carré", "Louise", date(1953, 1, 30), 33, ("ald", "sortie_hospitalisation"),
     ("en_recherche", "proposee")),
    ("Marchand", "Yanis", date(2019, 6, 21), 20, (), ()),
    ("Lucas", "Odette", date(1941, 11, 2), 95, ("ald",),
     ("en_recherche", "proposee", "acceptee")),
    ("Giraud", "Samir", date(1966, 2, 14), 120, ("handicap",),
     ("en_recherche", "proposee", "acceptee", "close")),
    ("Picard", "Manon", date(1994, 8, 8), 14, ("grossesse",), ("en_recherche",)),
    ("Renaud", "Jean", date(1957, 12, 24), 75, (), ("en_recherche", "abandonnee")),
    ("Brun", "Inès", date(1988, 3, 3), 5, ("precarite",), ()),
    ("Colin", "Marcel", date(1939, 7, 14), 9, ("ald", "precarite"), ()),
)


def _doctor_search(tx: Transaction) -> None:
    """GPs who take new patients, and requests at every step of the workflow."""
    gps = [r["id"] for r in tx.all("SELECT id FROM people WHERE specialty_code = 'SM54'"
                                   " ORDER BY id LIMIT 4")]
    stamp = iso(now())
    tx.executemany(
        "INSERT INTO doctor_capacity (person_id, remaining, communes, updated_at)"
        " VALUES (?, ?, '[]', ?)", [(p, places, stamp) for p, places in zip(gps, (6, 3, 2, 0))])
    communes = [r["code"] for r in tx.all("SELECT code FROM territory_communes ORDER BY code")]
    codes = {c["code"] for c in tx.all("SELECT code FROM mt_criteria")}
    for number, (last, first, birth, days, criteria, steps) in enumerate(PATIENTS):
        received = date.today() - timedelta(days=days)
        values = {"last_name": last, "first_name": first, "birth_date": birth.isoformat(),
                  "received_on": received.isoformat(), "channel": ("telephone", "pharmacie",
                                                                  "cpam")[number % 3],
                  "commune_code": communes[number % len(communes)],
                  "aged_70": int(doctor_requests.aged_70(birth, received)),
                  "name_key": doctor_requests.name_key(last, first, birth), "demo": 1,
                  "created_at": stamp, "updated_at": stamp}
        request_id = tx.insert("mt_requests", values, entity="mt_request")
        tx.executemany("INSERT INTO mt_request_criteria (request_id, code) VALUES (?, ?)",
                            [(request_id, c) for c in criteria if c in codes])
        day = received
        for status in ("nouvelle", *steps):
            doctor = gps[number % 3] if status in ("proposee", "acceptee", "close") else None
            changes = {"status": status, "doctor_id": doctor}
            if status == "acceptee":
                changes["accepted_on"] = day.isoformat()
            if status in ("close", "abandonnee"):
                changes["closed_on"] = day.isoformat()
                changes["reason"] = "Parti(e) hors du territoire" \
                    if status == "abandonnee" else ""
            tx.execute("UPDATE mt_requests SET " + ", ".join(f"{k} = ?" for k in changes)
                       + " WHERE id = ?", (*changes.values(), request_id))
            tx.execute("INSERT INTO mt_steps (request_id, on_day, status, doctor_id, reason,"
                       " username, at) VALUES (?, ?, ?, ?, ?, 'demo', ?)",
                       (request_id, day.isoformat(), status, doctor,
                        changes.get("reason", ""), stamp))
            day += timedelta(days=7)


def _unscheduled_care(tx: Transaction) -> None:
    """Weekly SNP slots of a few GPs and nurses, and six weeks of calls: most seen within
    24 hours, some sent to the emergency department, the SAS among the channels."""
    rng = random.Random(24)
    stamp = iso(now())
    people = tx.all("SELECT id FROM people WHERE profession_code IN ('10', '60')"
                    " ORDER BY id LIMIT 8")
    start = date.today() - timedelta(days=60)
    slots = []
    for number, row in enumerate(people):
        slots.append(tx.insert("snp_slots", {
            "person_id": row["id"], "weekday": number % 5, "starts": "17:00", "ends": "19:00",
            "capacity": 3, "valid_from": start.isoformat(), "demo": 1, "created_at": stamp},
            entity="snp_slot"))
    communes = [r["code"] for r in tx.all("SELECT code FROM territory_communes")]
    motives = [r["code"] for r in tx.all("SELECT code FROM snp_motives")]
    rows = []
    for days in range(42, -1, -1):
        day = date.today() - timedelta(days=days)
        for _ in range(rng.randrange(2, 7)):
            received = datetime.combine(day, time(rng.randrange(8, 19), rng.choice((0, 15,
                                                                                 30, 45))))
            if received > datetime.now(PARIS).replace(tzinfo=None):
                continue
            channel = rng.choice(("sas", "sas", "telephone", "telephone", "pharmacie", "msp"))
            outcome = rng.choices(("rdv", "conseil", "urgences", "pdsa", "sans_suite"),
                                  (14, 3, 1, 1, 1))[0] if days else None
            appointment = received + timedelta(hours=rng.choice((2, 5, 8, 20, 30))) \
                if outcome == "rdv" else None
            rows.append((received.strftime("%Y-%m-%dT%H:%M"), channel,
                         rng.choice(communes), rng.choice(unscheduled_care.AGE_BANDS),
                         rng.choice(motives), rng.choice(("10", "10", "10", "60")),
                         rng.choice(slots) if outcome == "rdv" else None, outcome,
                         appointment and appointment.strftime("%Y-%m-%dT%H:%M"),
                         appointment and unscheduled_care.minutes_between(received,
                                                                          appointment),
                         rng.choice(("honore", "honore", "honore", "non_honore"))
                         if channel == "sas" and outcome == "rdv" else None, stamp, stamp))
    tx.executemany(
        "INSERT INTO snp_requests (received_at, channel, commune_code, age_band, motive_code,"
        " profession_code, slot_id, outcome, appointment_at, delay_minutes, sas_status,"
        " entered_by, demo, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'demo', 1, ?, ?)", rows)
    tx.execute("UPDATE snp_requests SET person_id = (SELECT person_id FROM snp_slots"
               " WHERE id = slot_id), slot_day = substr(appointment_at, 1, 10)"
               " WHERE slot_id IS NOT NULL")
    tx.audit("demo", None, "snp_requests", after={"requests": len(rows)})
