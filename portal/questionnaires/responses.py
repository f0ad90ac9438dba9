"""Answers to a campaign: one sheet per professional, typed from paper or a mail, checked
question by question, saved even when incomplete (and marked so). A second sheet from the
same person is refused, unless the coordinator means to replace the first one.
"""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd

from ..core import imports, roles, tabular
from ..core.db import Store
from ..core.errors import PortalError
from ..core.formats import fold
from ..core.transactions import Transaction, iso, now
from ..directory import persons, spreadsheets
from . import campaigns

EDITORS = campaigns.EDITORS
CHANNELS = {"papier": "Papier", "courriel": "Courriel", "formulaire": "Formulaire en ligne",
            "import": "Import de tableur"}


class AlreadyAnswered(PortalError):
    """This person has a sheet in this campaign already: `response_id` says which."""

    def __init__(self, message: str, response_id: int):
        super().__init__(message, field="person")
        self.response_id = response_id


def clean_answers(questions: list[dict], raw: dict) -> tuple[list[tuple[int, str]], bool]:
    """Check each answer against its question; returns the rows to store and whether every
    closed or number question is answered (a free text may stay empty)."""
    rows, complete = [], True
    for question in questions:
        value = raw.get(question["id"])
        field = f"q{question['id']}"
        if question["kind"] == "multiple":
            picked = [v for v in (value or []) if v]
            unknown = [v for v in picked if v not in question["options"]]
            if unknown:
                raise PortalError(f"« {unknown[0]} » n'est pas un choix de cette question.",
                                  field=field)
            rows += [(question["id"], v) for v in dict.fromkeys(picked)]
            complete &= bool(picked)
            continue
        text = "" if value is None else str(value).strip()
        if not text:
            complete &= question["kind"] == "text"
            continue
        if question["kind"] == "number":
            try:
                text = f"{float(text.replace(',', '.').replace(' ', '')):g}"
            except ValueError:
                raise PortalError("Un nombre est attendu (ex. : 12 ou 2,5).",
                                  field=field) from None
        elif question["kind"] != "text" and text not in campaigns.choices(question):
            raise PortalError(f"« {text} » n'est pas une réponse possible.", field=field)
        rows.append((question["id"], text[:2000]))
    return rows, complete


def _respondent(tx: Transaction, person_id: int | None, new_person: dict | None,
                create_anyway: bool) -> int:
    """The directory person who answered: picked, or created from the identity typed."""
    if person_id:
        return int(person_id)
    if not new_person or not (new_person.get("last_name") or "").strip():
        raise PortalError("Choisissez la personne dans l'annuaire, ou indiquez au moins son "
                          "nom pour créer sa fiche.", field="person")
    key = persons.name_key(new_person["last_name"], new_person.get("first_name") or "")
    namesake = tx.one("SELECT id FROM people WHERE name_key = ? AND merged_into IS NULL"
                      " AND erased_at IS NULL", (key,))
    if namesake and not create_anyway:
        raise PortalError("Une fiche de l'annuaire porte déjà ce nom : choisissez-la dans la "
                          "liste, ou cochez « Créer une nouvelle fiche quand même ».",
                          field="person")
    return persons.write_person(tx, new_person)[0]


def sheet_gaps(person_id: int | None, new_person: dict | None, answers: dict) -> list[str]:
    """What a sheet obviously lacks: for someone new, the first name or the profession; in
    any case, every answer. Enter in any field saves a form, so a half-typed sheet would
    otherwise be saved as it is."""
    named = str((new_person or {}).get("last_name") or "").strip()
    if not person_id and not named:
        return []  # nobody yet: choosing the person comes first
    gaps = []
    if not person_id:
        gaps += [label for key, label in (("first_name", "le prénom"),
                                          ("profession_code", "la profession"))
                 if not str(new_person.get(key) or "").strip()]
    if not any(value not in (None, "", []) and str(value).strip() for value in
               answers.values()):
        gaps.append("toute réponse")
    return gaps


def save_response(store: Store, actor, campaign_id: int, answers: dict, *,
                  person_id: int | None = None, new_person: dict | None = None,
                  received_on: date | None = None, channel: str = "papier",
                  replace: bool = False, create_anyway: bool = False,
                  incomplete_ok: bool = True) -> tuple[int, bool]:
    """Record one person's sheet; returns (response id, complete). With
    `incomplete_ok=False` (keyboard entry), a sheet with gaps is refused until confirmed."""
    roles.require(actor, *EDITORS)
    if channel not in CHANNELS:
        raise PortalError("Canal inconnu.", field="channel")
    with store.write(actor) as tx:
        return write_response(tx, campaign_id, answers, person_id=person_id,
                              new_person=new_person, received_on=received_on,
                              channel=channel, replace=replace, create_anyway=create_anyway,
                              incomplete_ok=incomplete_ok)


def write_response(tx: Transaction, campaign_id: int, answers: dict, *,
                   person_id: int | None, new_person: dict | None, received_on: date | None,
                   channel: str, replace: bool, create_anyway: bool = False,
                   incomplete_ok: bool = True) -> tuple[int, bool]:
    campaign = tx.one("SELECT * FROM campaigns WHERE id = ?", (campaign_id,))
    if campaign is None or campaign["closed"]:
        raise PortalError("Cette campagne est close : elle ne reçoit plus de réponses.")
    rows, complete = clean_answers(campaigns.questions(tx, campaign_id), answers)
    person = _respondent(tx, person_id, new_person, create_anyway)
    existing = tx.one("SELECT id FROM responses WHERE campaign_id = ? AND person_id = ?",
                      (campaign_id, person))
    values = {"received_on": (received_on or date.today()).isoformat(), "channel": channel,
              "complete": int(complete), "entered_by": tx.actor.username,
              "entered_at": iso(now())}
    if existing and not replace:
        raise AlreadyAnswered("Cette personne a déjà répondu à cette campagne.",
                              existing["id"])
    if not incomplete_ok and (gaps := sheet_gaps(person_id, new_person, answers)):
        raise PortalError(f"Cette feuille semble incomplète : il manque {', '.join(gaps)}. "
                          "Complétez-la, ou cochez « Enregistrer quand même une feuille "
                          "incomplète ».", field="incomplete")
    if existing:
        response_id = existing["id"]
        before = tx.all("SELECT question_id, value FROM answers WHERE response_id = ?",
                        (response_id,))
        tx.execute("DELETE FROM answers WHERE response_id = ?", (response_id,))
        tx.execute("UPDATE responses SET received_on = ?, channel = ?, complete = ?,"
                   " entered_by = ?, entered_at = ? WHERE id = ?",
                   (*values.values(), response_id))
        tx.audit("response", response_id, "replace", before={"answers": before},
                 after={"answers": rows})
    else:
        response_id = tx.insert("responses", {"campaign_id": campaign_id, "person_id": person,
                                              **values},
                                entity="response")
        tx.audit("response", response_id, "answers", after={"answers": rows})
    tx.executemany("INSERT INTO answers (response_id, question_id, value)"
                   " VALUES (?, ?, ?)", [(response_id, q, v) for q, v in rows])
    return response_id, complete


def delete_response(store: Store, actor, response_id: int) -> None:
    roles.require(actor, *EDITORS)
    with store.write(actor) as tx:
        tx.delete("responses", response_id, "response", "Cette réponse a déjà été supprimée.")


def get_response(store: Store, response_id: int) -> dict | None:
    """A sheet with its respondent's name and its answers by question id (lists for a
    multiple choice)."""
    response = store.query_one(
        "SELECT r.*, p.first_name, p.last_name FROM responses r JOIN people p"
        " ON p.id = r.person_id WHERE r.id = ?", (response_id,))
    if response is None:
        return None
    answers: dict[int, list[str]] = {}
    for row in store.query("SELECT question_id, value FROM answers WHERE response_id = ?",
                           (response_id,)):
        answers.setdefault(row["question_id"], []).append(row["value"])
    response["answers"] = answers
    return response


def count_responses(store: Store, campaign_id: int) -> int:
    return store.scalar("SELECT COUNT(*) FROM responses WHERE campaign_id = ?", (campaign_id,))


def list_responses(store: Store, campaign_id: int, incomplete_only: bool = False,
                   limit: int = 50, offset: int = 0) -> pd.DataFrame:
    return store.frame(
        "SELECT r.id, p.last_name, p.first_name, pr.label AS profession, r.received_on,"
        " r.channel, r.complete FROM responses r JOIN people p ON p.id = r.person_id"
        " LEFT JOIN professions pr ON pr.code = p.profession_code WHERE r.campaign_id = ?"
        + (" AND r.complete = 0" if incomplete_only else "") +
        " ORDER BY r.entered_at DESC, r.id DESC LIMIT ? OFFSET ?", (campaign_id, limit, offset))


def export_frame(store: Store, campaign_id: int) -> pd.DataFrame:
    """Every sheet of the campaign, one row each, one column per question (archived ones
    included), for XLSX and CSV."""
    sheets = store.frame(
        "SELECT r.id, p.last_name AS Nom, p.first_name AS Prénom, pr.label AS Profession,"
        " c.name AS Commune, p.email AS \"E-mail\", r.received_on AS \"Reçue le\","
        " r.channel AS Canal, r.complete AS Complète FROM responses r"
        " JOIN people p ON p.id = r.person_id"
        " LEFT JOIN professions pr ON pr.code = p.profession_code"
        " LEFT JOIN communes c ON c.code = p.commune_code"
        " WHERE r.campaign_id = ? ORDER BY p.last_name COLLATE NOCASE, p.first_name",
        (campaign_id,))
    sheets["Canal"] = sheets["Canal"].map(CHANNELS)
    sheets["Complète"] = sheets["Complète"].map({1: "Oui", 0: "Non"})
    long = store.frame(
        "SELECT a.response_id, a.question_id, group_concat(a.value, ', ') AS value"
        " FROM answers a JOIN responses r ON r.id = a.response_id WHERE r.campaign_id = ?"
        " GROUP BY a.response_id, a.question_id", (campaign_id,))
    columns = {q["id"]: q["label"] for q in campaigns.questions(store, campaign_id, True)}
    wide = long.assign(value=long["value"].map(
        lambda v: campaigns.ANSWER_LABELS.get(v, v))).pivot(
        index="response_id", columns="question_id", values="value") if not long.empty \
        else pd.DataFrame()
    wide = wide.reindex(columns=list(columns)).rename(columns=columns)
    out = sheets.join(wide, on="id").drop(columns=["id"]).astype(object)
    return out.where(out.notna(), "")



# Identity columns of a sheet import: field -> (French label, usual header names).
IDENTITY = {
    "full_name": ("Nom et prénom", ("nom et prénom", "nom prénom", "professionnel",
                                    "nom et prénom du professionnel")),
    "last_name": ("Nom", ("nom", "nom de famille")),
    "first_name": ("Prénom", ("prénom",)),
    "rpps": ("N° RPPS", ("rpps", "n° rpps", "numéro rpps")),
    "email": ("E-mail", ("e-mail", "email", "mail", "courriel", "adresse e-mail",
                         "adresse mail", "adresse électronique")),
    "phone": ("Téléphone", ("téléphone", "tél", "tel", "portable")),
    "profession": ("Profession ou spécialité", ("profession", "spécialité")),
    "commune": ("Commune", ("commune", "ville")),
    "received_on": ("Reçue le", ("reçue le", "date", "horodatage", "date de réponse")),
}
WORDS = {"oui": {"oui", "o", "yes", "y", "x", "1", "vrai"},
         "non": {"non", "n", "no", "0", "faux"},
         "nc": {"nc", "n c", "non concerne", "ne sait pas", "nsp", "sans avis"}}


def import_targets(store: Store, campaign_id: int) -> dict[str, str]:
    """Field -> French label of everything a column can be mapped to."""
    return {**{k: label for k, (label, _) in IDENTITY.items()},
            **{f"q{q['id']}": q["label"] for q in campaigns.questions(store, campaign_id)}}


def guess_import_mapping(store: Store, campaign_id: int, headers: list[str]) -> dict[str, str]:
    """Identity columns by their usual names; a question by its wording, even numbered
    ("2 - Faciliter l'accès…") or cut short by the form tool."""
    mapping = tabular.guess_mapping(headers, {k: (label, *names)
                                              for k, (label, names) in IDENTITY.items()})
    for question in campaigns.questions(store, campaign_id):
        wanted = tabular.normalise(question["label"])
        for header in headers:
            found = tabular.normalise(header).lstrip("0123456789")
            if header not in mapping.values() and len(found) >= 8 and (found in wanted
                                                                       or wanted in found):
                mapping[f"q{question['id']}"] = header
                break
    return mapping


def _answer(question: dict, text: str):
    """A spreadsheet cell as an answer: 'OUI', 'Oui ', 'x' are Oui; options by wording."""
    if not text:
        return None
    if question["kind"] in ("text", "number"):
        return text
    if question["kind"] in campaigns.CHOICES:
        folded = " ".join(fold(text).replace(".", " ").split())
        for value, words in WORDS.items():
            if folded in words and value in campaigns.choices(question):
                return value
        raise PortalError(f"« {text} » n'est pas une réponse à « {question['label']} ».")
    options = {fold(o).strip(): o for o in question["options"]}
    parts = [p.strip() for p in text.replace(";", ",").split(",") if p.strip()] \
        if question["kind"] == "multiple" else [text]
    unknown = [p for p in parts if fold(p).strip() not in options]
    if unknown:
        raise PortalError(f"« {unknown[0]} » n'est pas un choix de « {question['label']} ».")
    picked = [options[fold(p).strip()] for p in parts]
    return picked if question["kind"] == "multiple" else picked[0]


def _split_name(full: str) -> tuple[str, str]:
    """'DUPONT Marie' or 'Dupont Marie' -> ('DUPONT', 'Marie'): capitals, else the first
    word, make the last name."""
    words = full.split()
    capitals = [w for w in words if w.isupper() and len(w) > 1]
    if capitals:
        return " ".join(capitals), " ".join(w for w in words if w not in capitals)
    return (words[0], " ".join(words[1:])) if words else ("", "")


def _find_person(tx: Transaction, cell) -> int | None:
    """The directory person of a line: by RPPS, else e-mail, else name (if unique)."""
    if cell("rpps"):
        row = tx.one("SELECT id FROM people WHERE rpps = ? AND merged_into IS NULL",
                     (cell("rpps").replace(" ", ""),))
        if row:
            return row["id"]
    if cell("email"):
        row = tx.one("SELECT id FROM people WHERE lower(email) = lower(?)"
                     " AND merged_into IS NULL", (cell("email"),))
        if row:
            return row["id"]
    last, first = (cell("last_name"), cell("first_name")) if cell("last_name") \
        else _split_name(cell("full_name"))
    if not last:
        raise PortalError("Ni nom, ni RPPS, ni e-mail connu : impossible de savoir qui répond.")
    keys = {persons.name_key(last, first), persons.name_key(first, last)}
    rows = tx.all(f"SELECT id FROM people WHERE name_key IN ({', '.join('?' for _ in keys)})"
                  " AND merged_into IS NULL AND erased_at IS NULL", tuple(keys))
    if len(rows) > 1:
        raise PortalError(f"{first} {last} : plusieurs fiches de l'annuaire portent ce nom ; "
                          "ajoutez la colonne RPPS ou e-mail.")
    return rows[0]["id"] if rows else None


def _new_person(lookups: spreadsheets.Lookups, cell, warnings: list[str]) -> dict:
    last, first = (cell("last_name"), cell("first_name")) if cell("last_name") \
        else _split_name(cell("full_name"))
    values = {"last_name": last, "first_name": first, "rpps": cell("rpps"),
              "email": cell("email"), "phone": cell("phone")}
    for key, find in (("profession_code", lambda: lookups.code(
            "professions", cell("profession"), "label")),
                      ("commune_code", lambda: lookups.commune(cell("commune")))):
        try:
            values[key] = find()
        except PortalError as error:
            warnings.append(f"{error.message} Fiche créée sans cette information.")
    return values


def _received(text: str) -> date | None:
    if not text:
        return None
    for parse in (lambda t: date.fromisoformat(t[:10]),
                  lambda t: datetime.strptime(t[:10], "%d/%m/%Y").date()):
        try:
            return parse(text.strip())
        except ValueError:
            continue
    raise PortalError(f"Date de réception « {text} » illisible (ex. : 02/11/2026).")


def import_answers(store: Store, actor, campaign_id: int, table: tabular.Table,
                   mapping: dict[str, str], replace: bool = False,
                   dry_run: bool = False) -> imports.Report:
    """Sheets from a spreadsheet (a coordinator's own, an online form's export): every line
    checked, people found in the directory (or created), all written or none."""
    roles.require(actor, *EDITORS)
    questions = {f"q{q['id']}": q for q in campaigns.questions(store, campaign_id)}
    if not set(mapping) & {"full_name", "last_name", "rpps", "email"}:
        raise PortalError("Indiquez la colonne du nom (ou du RPPS, ou de l'e-mail).",
                          field="mapping")
    if not set(mapping) & set(questions):
        raise PortalError("Aucune colonne ne correspond à une question.", field="mapping")

    def new_writer():
        """A writer for one try of the file, with its own memory of who answered."""
        seen: dict[int, str] = {}

        def write_row(tx: Transaction, cell, lookups: spreadsheets.Lookups) -> list[str]:
            warnings: list[str] = []
            person = _find_person(tx, cell)
            new = None if person else _new_person(lookups, cell, warnings)
            if person in seen:
                raise PortalError(f"{seen[person]} répond déjà plus haut dans le fichier.")
            answers = {q["id"]: _answer(q, cell(key)) for key, q in questions.items()}
            response_id, _ = write_response(
                tx, campaign_id, answers, person_id=person, new_person=new,
                received_on=_received(cell("received_on")), channel="import",
                replace=replace, create_anyway=True)
            row = tx.one("SELECT r.person_id, p.first_name, p.last_name FROM responses r"
                         " JOIN people p ON p.id = r.person_id WHERE r.id = ?", (response_id,))
            seen[row["person_id"]] = f"{row['first_name']} {row['last_name']}".strip()
            return warnings
        return spreadsheets.with_lookups(write_row)

    return imports.import_rows(store, actor, table, mapping, new_writer,
                               {"campaign": campaign_id}, dry_run)
