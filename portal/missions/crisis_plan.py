"""Socle 4, the plan de préparation aux situations sanitaires exceptionnelles (SSE): one
version per year, written the first year and updated at least every year, each new
version started from the one before. A version is a draft until validated; a validated
version is frozen (its content changes only in the next one) and is then sent to the
ARS (and the first year to the CPAM) and discussed with it.

Its content follows the national guidelines (December 2022): texts per section, the
crisis organisation (référent, suppléant, the crisis cell, the external partners) and
its alert chain, the resources census, one fiche réflexe per crisis type, and the
trainings held. People and structures come from the directory and are read from it, so
a phone changed there is the plan's."""

from __future__ import annotations

import difflib
from datetime import date

import pandas as pd
from dateutil.relativedelta import relativedelta

from ..core import roles, validation
from ..core.db import Store
from ..core.errors import PortalError
from ..core.formats import date_fr
from ..core.roles import Actor
from ..core.transactions import Transaction, iso, now

EDITORS = roles.EDIT["missions"]
STATUSES = {"brouillon": "Brouillon", "valide": "Validée"}
SECTIONS = {"contexte": "Contexte et risques du territoire",
            "cellule": "Cellule de crise : déclenchement et fonctionnement",
            "communication": "Communication",
            "formation": "Programme de formation et d'exercices"}
CRISIS_TYPES = {"afflux_blesses": "Afflux massif de blessés",
                "epidemie_climat": "Épidémie saisonnière, canicule, grand froid, pollution",
                "agent_emergent": "Agent infectieux émergent et vaccination",
                "nrbc": "Risque NRBC (nucléaire, radiologique, biologique, chimique)",
                "rupture_offre": "Rupture de l'offre de soins"}
FICHE_FIELDS = {"actions": "Actions", "who": "Qui fait quoi", "resources": "Ressources",
                "communication_internal": "Communication interne",
                "communication_external": "Communication externe"}
CONTACT_ROLES = {"referent": "Référent crise", "suppleant": "Suppléant",
                 "cellule": "Membre de la cellule de crise",
                 "externe": "Partenaire extérieur"}
RESOURCE_KINDS = {"professionnel": "Professionnel mobilisable",
                  "lieu": "Lieu (centre de vaccination, de soins…)", "materiel": "Matériel"}
REVIEW_WARNING_DAYS = 60
TEXT_LIMIT = 8000


# Versions -------------------------------------------------------------------------------

def _new_version(tx: Transaction, year: int, based_on: int | None) -> int:
    if tx.one("SELECT 1 AS x FROM crisis_plans WHERE year = ?", (year,)):
        raise PortalError(f"La version {year} du plan existe déjà.", field="year")
    stamp = iso(now())
    plan_id = tx.insert("crisis_plans", {"year": year, "based_on": based_on,
                                         "created_at": stamp, "updated_at": stamp},
                        entity="crisis_plan")
    tx.executemany("INSERT INTO crisis_fiches (plan_id, crisis_type) VALUES (?, ?)",
                   [(plan_id, code) for code in CRISIS_TYPES])
    return plan_id


def create_plan(store: Store, actor: Actor, year: int) -> int:
    """The first version, empty but for its five fiches réflexes."""
    roles.require(actor, *EDITORS)
    with store.write(actor) as tx:
        if tx.one("SELECT 1 AS x FROM crisis_plans"):
            raise PortalError("Le plan existe déjà : commencez la version suivante à partir "
                              "de la dernière.")
        return _new_version(tx, year, None)


def start_next(store: Store, actor: Actor, plan_id: int) -> int:
    """Next year's version, a copy of this one (texts, organisation and alert chain,
    resources, fiches réflexes; not the trainings, which belong to their year)."""
    roles.require(actor, *EDITORS)
    with store.write(actor) as tx:
        plan = tx.one("SELECT * FROM crisis_plans WHERE id = ?", (plan_id,))
        if plan is None:
            raise PortalError("Cette version n'existe plus.")
        latest = tx.one("SELECT MAX(year) AS year FROM crisis_plans")["year"]
        if plan["year"] != latest:
            raise PortalError(f"La version {latest} existe déjà : partez de la dernière.")
        new_id = _new_version(tx, plan["year"] + 1, plan_id)
        tx.execute("INSERT INTO crisis_plan_texts (plan_id, section, body)"
                   " SELECT ?, section, body FROM crisis_plan_texts WHERE plan_id = ?",
                   (new_id, plan_id))
        tx.execute("DELETE FROM crisis_fiches WHERE plan_id = ?", (new_id,))
        tx.execute("INSERT INTO crisis_fiches SELECT ?, crisis_type, actions, who, resources,"
                   " communication_internal, communication_external FROM crisis_fiches"
                   " WHERE plan_id = ?", (new_id, plan_id))
        copies: dict[int, int] = {}
        old = tx.all("SELECT * FROM crisis_contacts WHERE plan_id = ? ORDER BY id", (plan_id,))
        for contact in old:
            copy = {k: v for k, v in contact.items() if k not in ("id", "called_by")}
            copies[contact["id"]] = tx.execute(
                "INSERT INTO crisis_contacts (" + ", ".join(copy) + ") VALUES ("
                + ", ".join("?" for _ in copy) + ")",
                [new_id if k == "plan_id" else v for k, v in copy.items()]).lastrowid
        tx.executemany("UPDATE crisis_contacts SET called_by = ? WHERE id = ?",
                       [(copies[c["called_by"]], copies[c["id"]]) for c in old
                        if c["called_by"]])
        tx.execute("INSERT INTO crisis_resources (plan_id, kind, person_id, organization_id,"
                   " label, quantity, details) SELECT ?, kind, person_id, organization_id,"
                   " label, quantity, details FROM crisis_resources WHERE plan_id = ?"
                   " ORDER BY id", (new_id, plan_id))
        tx.audit("crisis_plan", new_id, "copy", after={"from": plan["year"]})
        return new_id


def _draft(tx: Transaction, plan_id: int) -> dict:
    """The version, refused unless it is still a draft: a validated plan is what was sent."""
    plan = tx.one("SELECT * FROM crisis_plans WHERE id = ?", (plan_id,))
    if plan is None:
        raise PortalError("Cette version n'existe plus.")
    if plan["status"] != "brouillon":
        raise PortalError(f"La version {plan['year']} est validée : ses changements vont "
                          "dans la version suivante (ou repassez-la en brouillon si elle "
                          "n'a pas été envoyée).")
    return plan


def _touch(tx: Transaction, plan_id: int) -> None:
    """The version changed (its content, audited apart): when, for the list of versions."""
    tx.execute("UPDATE crisis_plans SET updated_at = ? WHERE id = ?", (iso(now()), plan_id))


def validate(store: Store, actor: Actor, plan_id: int, validated_by: str,
             validated_on: date | None, today: date | None = None) -> None:
    """Validated by a body or a person, on a day; its next review a year later unless a
    date was set."""
    roles.require(actor, *EDITORS)
    by = (validated_by or "").strip()
    if not by:
        raise PortalError("Indiquez qui a validé le plan (ex. : « Conseil d'administration »).",
                          field="validated_by")
    if validated_on is None:
        raise PortalError("Indiquez la date de validation.", field="validated_on")
    if validated_on > (today or date.today()):
        raise PortalError("La date de validation est dans le futur.", field="validated_on")
    with store.write(actor) as tx:
        plan = _draft(tx, plan_id)
        review = plan["next_review_on"] or (validated_on + relativedelta(years=1)).isoformat()
        tx.update("crisis_plans", plan_id, {
            "status": "valide", "validated_by": by[:200],
            "validated_on": validated_on.isoformat(), "next_review_on": review},
            entity="crisis_plan", action="validate")


def reopen(store: Store, actor: Actor, plan_id: int) -> None:
    """Back to a draft, a validation typed by mistake: only before it was sent to the ARS."""
    roles.require(actor, *EDITORS)
    with store.write(actor) as tx:
        plan = tx.one("SELECT * FROM crisis_plans WHERE id = ?", (plan_id,))
        if plan is None or plan["status"] != "valide":
            raise PortalError("Cette version n'est pas validée.")
        if plan["sent_ars_on"]:
            raise PortalError("Cette version a été envoyée à l'ARS : ses changements vont dans "
                              "la version suivante.")
        tx.update("crisis_plans", plan_id, {"status": "brouillon", "validated_by": None,
                                            "validated_on": None},
                  entity="crisis_plan", action="reopen")


def record_follow_up(store: Store, actor: Actor, plan_id: int, values: dict) -> dict:
    """The dates after validation: sent to the ARS, to the CPAM, discussed with the ARS,
    and the next review. Nothing is sent before the plan was validated."""
    roles.require(actor, *EDITORS)
    days = {k: values.get(k) for k in ("sent_ars_on", "sent_cpam_on", "discussed_ars_on",
                                       "next_review_on")}
    with store.write(actor) as tx:
        plan = tx.one("SELECT * FROM crisis_plans WHERE id = ?", (plan_id,))
        if plan is None:
            raise PortalError("Cette version n'existe plus.")
        validated = plan["validated_on"] and date.fromisoformat(plan["validated_on"])
        for field, label in (("sent_ars_on", "envoyée à l'ARS"),
                             ("sent_cpam_on", "envoyée à la CPAM"),
                             ("discussed_ars_on", "échangée avec l'ARS")):
            if days[field] is None:
                continue
            if not validated:
                raise PortalError(f"Une version ne peut être {label} avant d'être validée : "
                                  "validez-la d'abord.", field=field)
            if days[field] < validated:
                raise PortalError(f"Elle a été validée le {date_fr(validated)} : elle ne peut "
                                  f"avoir été {label} avant.", field=field)
        if days["next_review_on"] and validated and days["next_review_on"] <= validated:
            raise PortalError("La prochaine révision vient après la validation.",
                              field="next_review_on")
        return tx.update("crisis_plans", plan_id,
                         {k: v.isoformat() if v else None for k, v in days.items()},
                         entity="crisis_plan")


def delete_draft(store: Store, actor: Actor, plan_id: int) -> None:
    """A draft started by mistake; a validated version stays (it was the plan in force)."""
    roles.require(actor, *EDITORS)
    with store.write(actor) as tx:
        _draft(tx, plan_id)
        if tx.one("SELECT 1 AS x FROM crisis_plans WHERE based_on = ?", (plan_id,)):
            raise PortalError("Une version plus récente part de celle-ci.")
        tx.execute("UPDATE crisis_contacts SET called_by = NULL WHERE plan_id = ?", (plan_id,))
        for table in ("crisis_plan_texts", "crisis_contacts", "crisis_resources",
                      "crisis_fiches", "crisis_trainings"):
            tx.execute(f"DELETE FROM {table} WHERE plan_id = ?", (plan_id,))
        tx.delete("crisis_plans", plan_id, "crisis_plan", "Cette version a déjà été supprimée.")


def versions(store: Store) -> pd.DataFrame:
    """Every version, the newest first."""
    return store.frame("SELECT p.*, b.year AS based_on_year FROM crisis_plans p"
                       " LEFT JOIN crisis_plans b ON b.id = p.based_on ORDER BY p.year DESC")


def get_plan(store: Store, plan_id: int) -> dict | None:
    plan = store.query_one("SELECT * FROM crisis_plans WHERE id = ?", (plan_id,))
    if plan:
        plan["texts"] = {r["section"]: r["body"] for r in store.query(
            "SELECT section, body FROM crisis_plan_texts WHERE plan_id = ?", (plan_id,))}
    return plan


def in_force(store: Store) -> dict | None:
    """The latest validated version: the plan the CPTS works with."""
    return store.query_one("SELECT * FROM crisis_plans WHERE status = 'valide'"
                           " ORDER BY year DESC LIMIT 1")


# Content --------------------------------------------------------------------------------

def save_texts(store: Store, actor: Actor, plan_id: int, texts: dict[str, str]) -> None:
    roles.require(actor, *EDITORS)
    unknown = set(texts) - set(SECTIONS)
    if unknown:
        raise PortalError(f"Section inconnue : {', '.join(sorted(unknown))}.")
    with store.write(actor) as tx:
        _draft(tx, plan_id)
        for section, body in texts.items():
            body = (body or "").strip()[:TEXT_LIMIT]
            before = tx.one("SELECT body FROM crisis_plan_texts WHERE plan_id = ?"
                            " AND section = ?", (plan_id, section))
            if (before or {}).get("body", "") == body:
                continue
            tx.execute("INSERT INTO crisis_plan_texts (plan_id, section, body) VALUES (?, ?, ?)"
                       " ON CONFLICT (plan_id, section) DO UPDATE SET body = excluded.body",
                       (plan_id, section, body))
            tx.audit("crisis_plan", plan_id, "text", before={section: (before or {}).get(
                "body")}, after={section: body})
            _touch(tx, plan_id)


def save_fiche(store: Store, actor: Actor, plan_id: int, crisis_type: str,
               values: dict) -> dict:
    """One fiche réflexe: what to do, who, with what, how to tell it inside and out."""
    roles.require(actor, *EDITORS)
    if crisis_type not in CRISIS_TYPES:
        raise PortalError("Type de crise inconnu.", field="crisis_type")
    clean = {k: (values.get(k) or "").strip()[:TEXT_LIMIT] for k in FICHE_FIELDS}
    with store.write(actor) as tx:
        _draft(tx, plan_id)
        before = tx.one("SELECT * FROM crisis_fiches WHERE plan_id = ? AND crisis_type = ?",
                        (plan_id, crisis_type))
        changed = {k: v for k, v in clean.items() if before[k] != v}
        if changed:
            tx.execute("UPDATE crisis_fiches SET " + ", ".join(f"{k} = ?" for k in changed)
                       + " WHERE plan_id = ? AND crisis_type = ?",
                       (*changed.values(), plan_id, crisis_type))
            tx.audit("crisis_plan", plan_id, "fiche",
                     before={k: before[k] for k in changed},
                     after={"crisis_type": crisis_type, **changed})
            _touch(tx, plan_id)
        return changed


def fiches(store: Store, plan_id: int) -> dict[str, dict]:
    """The five fiches réflexes, in the guidelines' order."""
    rows = {r["crisis_type"]: r for r in store.query(
        "SELECT * FROM crisis_fiches WHERE plan_id = ?", (plan_id,))}
    return {code: rows[code] for code in CRISIS_TYPES if code in rows}


def _clean_contact(tx: Transaction, plan_id: int, values: dict,
                   contact_id: int | None) -> dict:
    if values.get("role") not in CONTACT_ROLES:
        raise PortalError("Choisissez le rôle.", field="role")
    person, organization = values.get("person_id"), values.get("organization_id")
    name = (values.get("name") or "").strip() or None
    if sum(bool(x) for x in (person, organization, name)) != 1:
        raise PortalError("Choisissez une personne ou une structure de l'annuaire, ou "
                          "indiquez le nom d'un contact extérieur (un seul des trois).",
                          field="who")
    outside = name is not None
    rank, caller = values.get("alert_rank"), values.get("called_by")
    if rank is not None and rank < 1:
        raise PortalError("Un rang d'alerte de 1 ou plus, ou rien.", field="alert_rank")
    if caller:
        if rank is None:
            raise PortalError("Donnez-lui un rang dans la chaîne d'alerte pour dire qui "
                              "l'appelle.", field="alert_rank")
        calling = tx.one("SELECT alert_rank FROM crisis_contacts WHERE id = ? AND plan_id = ?",
                         (caller, plan_id))
        if calling is None or caller == contact_id:
            raise PortalError("Choisissez qui l'appelle parmi les autres contacts du plan.",
                              field="called_by")
        if calling["alert_rank"] is None or calling["alert_rank"] >= rank:
            raise PortalError("Celui qui appelle doit le précéder dans la chaîne d'alerte "
                              "(un rang plus petit).", field="called_by")
    return {"role": values["role"], "person_id": person or None,
            "organization_id": organization or None, "name": name and name[:200],
            "phone": validation.phone(values.get("phone")) if outside else None,
            "email": validation.email(values.get("email")) if outside else None,
            "function": (values.get("function") or "").strip()[:200],
            "alert_rank": rank, "called_by": caller or None}


def save_contact(store: Store, actor: Actor, plan_id: int, values: dict,
                 contact_id: int | None = None) -> int:
    """A member of the crisis organisation and their place in the alert chain."""
    roles.require(actor, *EDITORS)
    with store.write(actor) as tx:
        _draft(tx, plan_id)
        clean = _clean_contact(tx, plan_id, values, contact_id)
        taken = tx.one(
            "SELECT id FROM crisis_contacts WHERE plan_id = ? AND id IS NOT ? AND ("
            " (role = ? AND role IN ('referent', 'suppleant')) OR person_id = ?"
            " OR organization_id = ?)", (plan_id, contact_id, clean["role"],
                                         clean["person_id"], clean["organization_id"]))
        if taken:
            raise PortalError(f"Le plan a déjà son {CONTACT_ROLES[clean['role']].lower()}."
                              if clean["role"] in ("referent", "suppleant")
                              else "Ce contact est déjà dans le plan.", field="who")
        if contact_id is None:
            return tx.insert("crisis_contacts", {"plan_id": plan_id, **clean},
                             entity="crisis_contact")
        if clean["alert_rank"] is not None and tx.one(
                "SELECT 1 AS x FROM crisis_contacts WHERE called_by = ? AND alert_rank <= ?",
                (contact_id, clean["alert_rank"])):
            raise PortalError("Il appelle des contacts placés avant lui : changez d'abord "
                              "leur rang.", field="alert_rank")
        tx.update("crisis_contacts", contact_id, clean, entity="crisis_contact")
        return contact_id


def remove_contact(store: Store, actor: Actor, plan_id: int, contact_id: int) -> None:
    """Out of the plan; those they were to call are then called by no one (said on the
    alert chain)."""
    roles.require(actor, *EDITORS)
    with store.write(actor) as tx:
        _draft(tx, plan_id)
        tx.execute("UPDATE crisis_contacts SET called_by = NULL WHERE called_by = ?",
                   (contact_id,))
        tx.delete("crisis_contacts", contact_id, "crisis_contact",
                  "Ce contact a déjà été retiré.")


CONTACT = (
    "SELECT c.id, c.role, c.function, c.alert_rank, c.called_by, c.person_id,"
    " c.organization_id,"
    " COALESCE(c.name, o.name, TRIM(p.first_name || ' ' || p.last_name)) AS name,"
    " COALESCE(c.phone, p.phone, o.phone) AS phone, COALESCE(c.email, p.email, o.email)"
    " AS email, pr.label AS profession,"
    " CASE WHEN c.name IS NOT NULL THEN 'Contact extérieur' WHEN o.id IS NOT NULL THEN"
    " 'Structure de l''annuaire' ELSE 'Annuaire' END AS origin"
    " FROM crisis_contacts c LEFT JOIN people p ON p.id = c.person_id"
    " LEFT JOIN organizations o ON o.id = c.organization_id"
    " LEFT JOIN professions pr ON pr.code = p.profession_code")
ROLE_ORDER = ("CASE c.role WHEN 'referent' THEN 1 WHEN 'suppleant' THEN 2"
              " WHEN 'cellule' THEN 3 ELSE 4 END")


def contacts(store: Store, plan_id: int) -> pd.DataFrame:
    """The crisis organisation: référent, suppléant, the cell, the partners; phone and
    e-mail read from the directory for its people and structures."""
    return store.frame(CONTACT + f" WHERE c.plan_id = ? ORDER BY {ROLE_ORDER},"
                       " name COLLATE NOCASE", (plan_id,))


def alert_chain(store: Store, plan_id: int) -> pd.DataFrame:
    """Who calls whom, in order: the ranked contacts, each with the one who calls them."""
    return store.frame(
        "SELECT x.*, caller.name AS caller FROM (" + CONTACT + " WHERE c.plan_id = ?) x"
        " LEFT JOIN (" + CONTACT + " WHERE c.plan_id = ?) caller ON caller.id = x.called_by"
        " WHERE x.alert_rank IS NOT NULL ORDER BY x.alert_rank, x.name COLLATE NOCASE",
        (plan_id, plan_id))


def save_resource(store: Store, actor: Actor, plan_id: int, values: dict,
                  resource_id: int | None = None) -> int:
    roles.require(actor, *EDITORS)
    kind = values.get("kind")
    if kind not in RESOURCE_KINDS:
        raise PortalError("Choisissez le type de ressource.", field="kind")
    label = (values.get("label") or "").strip()
    person, organization = values.get("person_id"), values.get("organization_id")
    if kind == "professionnel" and not person:
        raise PortalError("Choisissez le professionnel dans l'annuaire.", field="who")
    if kind == "lieu" and not (organization or label):
        raise PortalError("Choisissez la structure ou nommez le lieu.", field="who")
    if kind == "materiel" and not label:
        raise PortalError("Nommez le matériel.", field="label")
    quantity = values.get("quantity")
    if quantity is not None and quantity < 0:
        raise PortalError("Une quantité positive ou nulle, ou rien.", field="quantity")
    clean = {"kind": kind, "person_id": person if kind == "professionnel" else None,
             "organization_id": organization if kind == "lieu" else None,
             "label": label[:200], "quantity": quantity,
             "details": (values.get("details") or "").strip()[:2000]}
    with store.write(actor) as tx:
        _draft(tx, plan_id)
        if clean["person_id"] and tx.one(
                "SELECT 1 AS x FROM crisis_resources WHERE plan_id = ? AND person_id = ?"
                " AND id IS NOT ?", (plan_id, clean["person_id"], resource_id)):
            raise PortalError("Ce professionnel est déjà recensé.", field="who")
        if resource_id is None:
            return tx.insert("crisis_resources", {"plan_id": plan_id, **clean},
                             entity="crisis_resource")
        tx.update("crisis_resources", resource_id, clean, entity="crisis_resource")
        return resource_id


def remove_resource(store: Store, actor: Actor, plan_id: int, resource_id: int) -> None:
    roles.require(actor, *EDITORS)
    with store.write(actor) as tx:
        _draft(tx, plan_id)
        tx.delete("crisis_resources", resource_id, "crisis_resource",
                  "Cette ressource a déjà été retirée.")


def resources(store: Store, plan_id: int, kind: str | None = None) -> pd.DataFrame:
    """The census, by kind then name; a professional's phone is the directory's."""
    return store.frame(
        "SELECT r.id, r.kind, r.quantity, r.details, r.person_id, r.organization_id,"
        " COALESCE(NULLIF(r.label, ''), o.name, TRIM(p.first_name || ' ' || p.last_name))"
        " AS name, pr.label AS profession, COALESCE(p.phone, o.phone) AS phone,"
        " cm.name AS commune FROM crisis_resources r"
        " LEFT JOIN people p ON p.id = r.person_id"
        " LEFT JOIN organizations o ON o.id = r.organization_id"
        " LEFT JOIN professions pr ON pr.code = p.profession_code"
        " LEFT JOIN communes cm ON cm.code = COALESCE(p.commune_code, o.commune_code)"
        " WHERE r.plan_id = ?" + (" AND r.kind = ?" if kind else "")
        + " ORDER BY r.kind, name COLLATE NOCASE", (plan_id, kind) if kind else (plan_id,))


def census(store: Store, plan_id: int) -> pd.DataFrame:
    """The professionals who can be mobilised, counted by profession."""
    return store.frame(
        "SELECT COALESCE(pr.label, 'Profession non renseignée') AS profession,"
        " COUNT(*) AS count FROM crisis_resources r JOIN people p ON p.id = r.person_id"
        " LEFT JOIN professions pr ON pr.code = p.profession_code"
        " WHERE r.plan_id = ? AND r.kind = 'professionnel'"
        " GROUP BY profession ORDER BY count DESC, profession", (plan_id,))


def add_training(store: Store, actor: Actor, plan_id: int, values: dict,
                 today: date | None = None) -> int:
    """A training held in the plan's year (not plan content: a validated plan takes them)."""
    roles.require(actor, *EDITORS)
    title = (values.get("title") or "").strip()
    if not title:
        raise PortalError("Indiquez l'intitulé de la formation.", field="title")
    held = values.get("held_on")
    if held is None:
        raise PortalError("Indiquez la date.", field="held_on")
    participants = values.get("participants")
    if participants is not None and participants < 0:
        raise PortalError("Un nombre de participants positif ou nul.", field="participants")
    if values.get("lessons") and held > (today or date.today()):
        raise PortalError("Les enseignements se notent après la formation.", field="lessons")
    with store.write(actor) as tx:
        if not tx.one("SELECT 1 AS x FROM crisis_plans WHERE id = ?", (plan_id,)):
            raise PortalError("Cette version n'existe plus.")
        return tx.insert("crisis_trainings", {
            "plan_id": plan_id, "held_on": held.isoformat(), "title": title[:200],
            "participants": participants,
            "lessons": (values.get("lessons") or "").strip()[:4000]},
            entity="crisis_training")


def remove_training(store: Store, actor: Actor, training_id: int) -> None:
    roles.require(actor, *EDITORS)
    with store.write(actor) as tx:
        tx.delete("crisis_trainings", training_id, "crisis_training",
                  "Cette formation a déjà été retirée.")


def trainings(store: Store, plan_id: int) -> pd.DataFrame:
    return store.frame("SELECT * FROM crisis_trainings WHERE plan_id = ?"
                       " ORDER BY held_on, id", (plan_id,))


# What changed between two versions ------------------------------------------------------

def _lines_changed(before: str, after: str) -> tuple[str, str]:
    """The lines removed and added, not the whole text: a long fiche reads at a glance."""
    old, new = (before or "").splitlines(), (after or "").splitlines()
    removed, added = [], []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new).get_opcodes():
        if tag != "equal":
            removed += old[i1:i2]
            added += new[j1:j2]
    return "\n".join(removed), "\n".join(added)


def _contact_lines(store: Store, plan_id: int) -> dict[str, str]:
    frame = contacts(store, plan_id)
    callers = dict(zip(frame["id"], frame["name"]))
    return {f"{CONTACT_ROLES[r.role]} : {r.name}": " · ".join(part for part in (
        r.function, f"rang d'alerte {int(r.alert_rank)}" if pd.notna(r.alert_rank) else "",
        f"appelé par {callers.get(r.called_by)}" if pd.notna(r.called_by) else "") if part)
        for r in frame.itertuples()}


def _resource_lines(store: Store, plan_id: int) -> dict[str, str]:
    return {f"{RESOURCE_KINDS[r.kind]} : {r.name}": " · ".join(part for part in (
        f"quantité {int(r.quantity)}" if pd.notna(r.quantity) else "", r.details) if part)
        for r in resources(store, plan_id).itertuples()}


def differences(store: Store, old_id: int, new_id: int) -> pd.DataFrame:
    """What changed from one version to another: each text and fiche field whose lines
    differ (the lines removed and added), each contact and resource added, removed or
    changed."""
    rows = []
    old, new = get_plan(store, old_id), get_plan(store, new_id)
    for code, label in SECTIONS.items():
        before, after = old["texts"].get(code, ""), new["texts"].get(code, "")
        if before != after:
            rows.append(("Texte", label, *_lines_changed(before, after)))
    old_fiches, new_fiches = fiches(store, old_id), fiches(store, new_id)
    for code, label in CRISIS_TYPES.items():
        for field, field_label in FICHE_FIELDS.items():
            before, after = old_fiches[code][field], new_fiches[code][field]
            if before != after:
                rows.append((f"Fiche réflexe : {label}", field_label,
                             *_lines_changed(before, after)))
    for part, read in (("Organisation", _contact_lines), ("Ressources", _resource_lines)):
        before, after = read(store, old_id), read(store, new_id)
        for item in sorted(set(before) | set(after)):
            if item not in after:
                rows.append((part, item, before[item] or "(présent)", "(retiré)"))
            elif item not in before:
                rows.append((part, item, "(absent)", after[item] or "(ajouté)"))
            elif before[item] != after[item]:
                rows.append((part, item, before[item], after[item]))
    return pd.DataFrame(rows, columns=["part", "item", "before", "after"])


# Reminders and indicators ---------------------------------------------------------------

def review_due(store: Store, today: date | None = None,
               within: int = REVIEW_WARNING_DAYS) -> dict | None:
    """The plan in force when its yearly update is due within `within` days (or late),
    with the draft of the next version if one was started."""
    plan = in_force(store)
    if plan is None or not plan["next_review_on"]:
        return None
    today = today or date.today()
    due = date.fromisoformat(plan["next_review_on"])
    if due > today + relativedelta(days=within):
        return None
    draft = store.query_one("SELECT year FROM crisis_plans WHERE year > ? LIMIT 1",
                            (plan["year"],))
    return {**plan, "due": due, "late": due < today, "draft_year": draft and draft["year"]}


def not_sent(store: Store) -> list[int]:
    """The years of validated versions not yet sent to the ARS."""
    return [r["year"] for r in store.query(
        "SELECT year FROM crisis_plans WHERE status = 'valide' AND sent_ars_on IS NULL"
        " ORDER BY year")]


def versions_sent(store: Store, indicator: dict, start: date, end: date) -> float:
    """Versions sent to the ARS during the period (the yearly update the contract asks)."""
    return store.scalar("SELECT COUNT(*) FROM crisis_plans WHERE sent_ars_on >= ?"
                        " AND sent_ars_on < ?", (start.isoformat(), end.isoformat()))


def trainings_held(store: Store, indicator: dict, start: date, end: date) -> float:
    return store.scalar("SELECT COUNT(*) FROM crisis_trainings WHERE held_on >= ?"
                        " AND held_on < ?", (start.isoformat(), end.isoformat()))
