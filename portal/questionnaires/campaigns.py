"""Questionnaire campaigns: what is asked of the territory's professionals, when it is due
back and where. A new campaign starts from the CPTS questionnaire (seed 002); questions
can be added and reordered, and a question that has answers is archived, never deleted.
The blank questionnaire prints from here, as a Word file to send.
"""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
from docx import Document

from ..core import roles
from ..core.db import Store
from ..core.errors import PortalError
from ..core.exports import docx_bytes
from ..core.formats import date_fr
from ..core.roles import Actor
from ..core.transactions import Transaction, iso, now

EDITORS = roles.EDIT["questionnaires"]
KINDS = {"yes_no": "Oui / Non", "yes_no_nc": "Oui / Non / NC", "single": "Choix unique",
         "multiple": "Choix multiple", "text": "Texte libre", "number": "Nombre"}
CHOICES = {"yes_no": ("oui", "non"), "yes_no_nc": ("oui", "non", "nc")}
ANSWER_LABELS = {"oui": "Oui", "non": "Non", "nc": "NC"}
# The questionnaire of seed 002: (kind, label, mission).
TEMPLATE = (
    ("yes_no", ("Participez-vous déjà à une organisation libérale de type CPTS sur votre "
                "territoire ?"), None),
    ("yes_no_nc", "Faciliter l'accès à un médecin traitant", "socle_1"),
    ("yes_no_nc", "Améliorer la prise en charge des soins non programmés en ville", "socle_1"),
    ("yes_no_nc", "Organiser des parcours pluriprofessionnels autour du patient", "socle_2"),
    ("yes_no_nc", "Développer des actions territoriales de prévention", "socle_3"),
    ("yes_no_nc", "Participer à la gestion de crises sanitaires", "socle_4"),
    ("text", "Souhaitez-vous ajouter un projet ou un commentaire complémentaire ?", None),
)
INTRO = "Acceptez-vous de participer à l'élaboration du projet permettant de :"


def _clean_campaign(values: dict) -> dict:
    clean = {"title": (values.get("title") or "").strip(),
             "territory": (values.get("territory") or "").strip(),
             "return_address": (values.get("return_address") or "").strip()}
    if not clean["title"]:
        raise PortalError("Indiquez le titre de la campagne.", field="title")
    due = values.get("return_by")
    clean["return_by"] = due.isoformat() if isinstance(due, date) else (due or None)
    return clean


def write_campaign(tx: Transaction, values: dict, campaign_id: int | None = None) -> int:
    """Create (with the template's questions) or update a campaign in a transaction."""
    clean = _clean_campaign(values)
    stamp = iso(now())
    if campaign_id is not None:
        if tx.update("campaigns", campaign_id, clean, entity="campaign"):
            tx.execute("UPDATE campaigns SET updated_at = ? WHERE id = ?", (stamp, campaign_id))
        return campaign_id
    campaign_id = tx.insert("campaigns", {**clean, "created_at": stamp,
                                          "updated_at": stamp}, entity="campaign")
    tx.executemany(
        "INSERT INTO questions (campaign_id, position, kind, label, mission_code)"
        " VALUES (?, ?, ?, ?, ?)",
        [(campaign_id, position, *row) for position, row in enumerate(TEMPLATE, 1)])
    return campaign_id


def save_campaign(store: Store, actor: Actor, values: dict,
                  campaign_id: int | None = None) -> tuple[int, list[str]]:
    roles.require(actor, *EDITORS)
    with store.write(actor) as tx:
        return write_campaign(tx, values, campaign_id), []


def set_closed(store: Store, actor: Actor, campaign_id: int, closed: bool) -> None:
    """A closed campaign takes no more answers; its results stay."""
    roles.require(actor, *EDITORS)
    with store.write(actor) as tx:
        tx.update("campaigns", campaign_id, {"closed": int(closed)}, entity="campaign")


def get_campaign(store: Store, campaign_id: int) -> dict | None:
    return store.query_one("SELECT * FROM campaigns WHERE id = ?", (campaign_id,))


def list_campaigns(store: Store) -> pd.DataFrame:
    return store.frame(
        "SELECT c.id, c.title, c.territory, c.return_by, c.closed,"
        " (SELECT COUNT(*) FROM responses r WHERE r.campaign_id = c.id) AS responses"
        " FROM campaigns c ORDER BY c.created_at DESC, c.id DESC")


def questions(db, campaign_id: int, archived: bool = False) -> list[dict]:
    """A campaign's questions in order (archived ones too when asked), options decoded."""
    rows = db.query("SELECT * FROM questions WHERE campaign_id = ?"
                    + ("" if archived else " AND archived = 0") + " ORDER BY position",
                    (campaign_id,))
    return [{**r, "options": json.loads(r["options"])} for r in rows]


def choices(question: dict) -> tuple[str, ...]:
    """The values a closed question accepts (none for text and number)."""
    return CHOICES.get(question["kind"]) or tuple(question["options"])


def add_question(store: Store, actor: Actor, campaign_id: int, kind: str, label: str,
                 options=(), mission_code: str | None = None) -> int:
    roles.require(actor, *EDITORS)
    label = (label or "").strip()
    if kind not in KINDS:
        raise PortalError("Choisissez le type de question.", field="question_kind")
    if not label:
        raise PortalError("Écrivez la question.", field="question_label")
    options = [o.strip() for o in options if o and o.strip()]
    if kind in ("single", "multiple") and len(options) < 2:
        raise PortalError("Donnez au moins deux choix, un par ligne.", field="question_options")
    if len(set(options)) != len(options):
        raise PortalError("Deux choix sont identiques.", field="question_options")
    with store.write(actor) as tx:
        position = tx.one("SELECT COALESCE(MAX(position), 0) + 1 AS p FROM questions"
                          " WHERE campaign_id = ?", (campaign_id,))["p"]
        return tx.insert("questions", {
            "campaign_id": campaign_id, "position": position, "kind": kind, "label": label,
            "options": json.dumps(options if kind in ("single", "multiple") else [],
                                  ensure_ascii=False),
            "mission_code": mission_code or None}, entity="question")


def move_question(store: Store, actor: Actor, question_id: int, step: int) -> None:
    """Swap a question with its neighbour above (step -1) or below (+1)."""
    roles.require(actor, *EDITORS)
    with store.write(actor) as tx:
        question = tx.one("SELECT * FROM questions WHERE id = ?", (question_id,))
        neighbour = tx.one(
            "SELECT * FROM questions WHERE campaign_id = ? AND archived = 0 AND position "
            + ("< ? ORDER BY position DESC" if step < 0 else "> ? ORDER BY position")
            + " LIMIT 1", (question["campaign_id"], question["position"]))
        if neighbour is None:
            return
        for row, position in ((question, neighbour["position"]),
                              (neighbour, question["position"])):
            tx.update("questions", row["id"], {"position": position}, entity="question",
                      action="move")


def remove_question(store: Store, actor: Actor, question_id: int) -> str:
    """Delete a question nobody answered; archive one that has answers (they stay in the
    results and exports). Returns 'deleted' or 'archived'."""
    roles.require(actor, *EDITORS)
    with store.write(actor) as tx:
        if tx.one("SELECT 1 AS x FROM answers WHERE question_id = ? LIMIT 1", (question_id,)):
            tx.update("questions", question_id, {"archived": 1}, entity="question",
                      action="archive")
            return "archived"
        tx.delete("questions", question_id, "question", "Cette question a déjà été retirée.")
        return "deleted"


def restore_question(store: Store, actor: Actor, question_id: int) -> None:
    roles.require(actor, *EDITORS)
    with store.write(actor) as tx:
        position = tx.one("SELECT COALESCE(MAX(position), 0) + 1 AS p FROM questions"
                          " WHERE campaign_id = (SELECT campaign_id FROM questions"
                          " WHERE id = ?)", (question_id,))["p"]
        tx.update("questions", question_id, {"archived": 0, "position": position},
                  entity="question", action="restore")


def blank_docx(store: Store, campaign_id: int, cpts_name: str = "") -> bytes:
    """The questionnaire to print and send, laid out like the CPTS's paper one."""
    campaign = get_campaign(store, campaign_id)
    document = Document()
    document.add_heading(cpts_name or "Communauté Professionnelle Territoriale de Santé", 0)
    document.add_heading(campaign["title"], level=1)
    if campaign["territory"]:
        document.add_paragraph(f"Territoire : {campaign['territory']}")
    document.add_paragraph("Questionnaire à retourner pour le : "
                           + (date_fr(campaign["return_by"]) or "..... / ..... / ....."))
    document.add_paragraph("Adresse de retour : " + (campaign["return_address"] or "....."))
    for label in ("Nom et prénom du professionnel", "Spécialité", "Adresse", "Téléphone",
                  "E-mail", "N° RPPS (facultatif)"):
        document.add_paragraph(f"{label} : " + "." * 60)
    intro_done = False
    for number, question in enumerate(questions(store, campaign_id), 1):
        if question["mission_code"] and not intro_done:
            document.add_paragraph(INTRO).runs[0].bold = True
            intro_done = True
        document.add_paragraph(f"{number}. {question['label']}").runs[0].bold = True
        if question["kind"] in ("text", "number"):
            for _ in range(3 if question["kind"] == "text" else 1):
                document.add_paragraph("." * 90)
        else:
            document.add_paragraph("    ".join(
                f"☐ {ANSWER_LABELS.get(c, c)}" for c in choices(question))
                + ("   (plusieurs réponses possibles)" if question["kind"] == "multiple"
                   else ""))
    return docx_bytes(document, campaign["title"])
