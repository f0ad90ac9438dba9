"""The demo's territory, organisations and professionals, saved as the directory's forms
save them."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from ...core import validation
from ...core.db import Store
from ...core.formats import fold
from ...core.roles import Actor
from ...directory import organizations, persons, territory

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
# Which members hold an account, in the order of the accounts: the first members sit on
# the bureau (see the meetings' loader), so the bureau's accounts hold the first two.
HOLDERS = (0, 1, 9, 10, 11)
SALARIED = ("centre_hospitalier", "cmp", "ccas", "dac", "ssiad")


@dataclass
class Cast:
    """Who the directory's loader created, for the other loaders to pick from."""

    people: list[dict] = field(default_factory=list)  # id, profession, specialty, member, snp
    holders: dict[str, int] = field(default_factory=dict)  # username -> person id

    @property
    def members(self) -> list[int]:
        return [p["id"] for p in self.people if p["member"]]

    def of(self, *professions: str, specialty: str | None = None) -> list[int]:
        return [p["id"] for p in self.people if p["profession"] in professions
                and (specialty is None or p["specialty"] == specialty)]


def load(store: Store, actor: Actor, holders: list[tuple[str, str]]) -> Cast:
    """The territory, the organisations, 58 professionals and one card typed twice;
    `holders` (username, name) give their name to the members' cards they hold."""
    territory.add_communes(store, actor, COMMUNES)
    structures: dict[str, list[int]] = {}
    for name, kind, sector, commune, phone in ORGANIZATIONS:
        organization_id, _ = organizations.save_organization(store, actor, {
            "name": name, "kind": kind, "sector": sector, "commune_code": commune,
            "phone": phone, "email": f"contact@{kind.replace('_', '-')}-{commune}.example.org"})
        structures.setdefault(kind, []).append(organization_id)
    cards = _cards(random.Random(2026))
    members = [card for card in cards if card[0]["member"]]
    for (username, name), position in zip(holders, HOLDERS):
        values = members[position][0]
        values["first_name"], values["last_name"] = name.removeprefix("Dr ").split(" ", 1)
        values["email"] = f"{username}@example.org"
        members[position][3].append(username)
    cast = Cast()
    for values, kind, tags, usernames in cards:
        person_id, _ = persons.save_person(store, actor, values,
                                           organization_ids=structures.get(kind, [])[:1],
                                           tags=tags)
        cast.people.append({"id": person_id, "profession": values["profession_code"],
                            "specialty": values["specialty_code"], "member": values["member"],
                            "snp": values["snp"]})
        cast.holders.update({username: person_id for username in usernames})
    _twin(store, actor, cards[-1][0])
    return cast


def _twin(store: Store, actor: Actor, card: dict) -> None:
    """The same professional typed a second time from a paper sheet, without RPPS, as
    every real directory has one: "Doublons possibles" then shows how a merge goes."""
    persons.save_person(store, actor, {
        **{f: card[f] for f in ("civility", "last_name", "first_name", "profession_code",
                                "commune_code")},
        "phone": "06 12 34 56 78", "practice_mode": card["practice_mode"]})


def _cards(rng: random.Random) -> list[tuple[dict, str, list[str], list[str]]]:
    """Each professional's card as typed in the form: (values, kind of organisation,
    tags, usernames of the accounts held)."""
    cards = []
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
                "practice_mode": "salarie" if kind in SALARIED else "liberal",
                "phone": f"02 38 {rng.randrange(10, 99)} {rng.randrange(10, 99)} "
                         f"{rng.randrange(10, 99)}",
                "email": (f"{fold(first)}.{fold(last).replace(' ', '')}.{len(cards)}"
                          "@example.org").replace("'", ""),
                "commune_code": commune,
                "accepts_patients": rng.choice(("yes", "no", "no")) if is_gp else None,
                "snp": is_gp and rng.random() < 0.6 or profession in ("60", "70") and
                rng.random() < 0.3,
                "member": rng.random() < 0.7, "visible": rng.random() < 0.95,
            }
            cards.append((values, kind, rng.sample(tags, k=min(len(tags),
                                                               rng.randrange(0, 3))), []))
    return cards


def _rpps(rng: random.Random) -> str:
    """A fictional RPPS (prefix 1999) with a valid check key."""
    body = "1999" + "".join(str(rng.randrange(10)) for _ in range(6))
    return next(body + d for d in "0123456789" if validation.luhn_ok(body + d))
