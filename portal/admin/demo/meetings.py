"""The demo's bureau and CA, and a year of meetings with invitations, attendance, minutes,
votes and decisions, recorded as the meeting page records them."""

from __future__ import annotations

import random
from datetime import date, time, timedelta

from ...core.db import Store
from ...core.roles import Actor
from ...meetings import attendance, bodies, minutes, officers, schedule
from .directory import Cast

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


def load(store: Store, actor: Actor, cast: Cast, actions: dict[int, int]) -> None:
    """The mandates (the first members), then each meeting in turn."""
    rng = random.Random(2026)
    elected = date.today() - timedelta(days=400)
    members = cast.members
    for person_id, (body, role) in zip(members, MANDATES):
        bodies.add_mandate(store, actor, person_id, body, role, elected)
    for person_id in members[:9]:
        bodies.add_mandate(store, actor, person_id, "ca", "membre", elected)
    with store.write(actor) as tx:  # declared to the préfecture a month after the AG
        tx.execute("UPDATE mandates SET start_declared_on = ?",
                   ((elected + timedelta(days=30)).isoformat(),))
        tx.audit("mandate", None, "declared")
    streets = ["rue de la Fontaine", "avenue du Château", "rue Louis Blanc", "quai Lenoir"]
    for number, person_id in enumerate(members[:len(streets)]):  # the bureau's, typed
        officers.save_details(store, actor, person_id, "", officers.NATIONALITY,
                              f"{3 + 7 * number} {streets[number]}, 45500 Gien")
    # Co-opted to the CA since: a change still to declare.
    bodies.add_mandate(store, actor, members[9], "ca", "membre",
                       date.today() - timedelta(days=40))
    for days, kind, title, start, end, missions, numbers, group, text in MEETINGS:
        day = date.today() + timedelta(days=days)
        meeting_id, _ = schedule.save_meeting(
            store, actor, {"kind": kind, "title": title, "day": day, "start": start,
                           "end": end, "place": "Maison de santé de Gien, salle de réunion",
                           "agenda": text},
            missions=missions, actions=[actions[n] for n in numbers])
        name, _, value = group.partition(":")
        invited = attendance.group_people(store, name, value or day)
        attendance.invite(store, actor, meeting_id, invited)
        if days < 0:
            _held(store, actor, rng, meeting_id, kind, text, min(invited))


def _held(store: Store, actor: Actor, rng: random.Random, meeting_id: int, kind: str,
          text: str, owner: int) -> None:
    """What a past meeting leaves: the attendance sheet, the minutes (the bureau's kept to
    the bureau), the votes of a CA or an AG, and one decision or task to follow."""
    sheet = attendance.attendees(store, meeting_id)
    statuses = {int(i): (rng.choices(("present", "excuse", "absent"), (7, 2, 1))[0], None)
                for i in sheet["id"]}
    attendance.record_attendance(store, actor, meeting_id, statuses)
    minutes.save_minutes(store, actor, meeting_id,
                         f"{text}\n\nCompte rendu rédigé par la coordination.",
                         restricted=kind == "bureau")
    voters = sum(status == "present" for status, _ in statuses.values())
    if kind == "ca":
        minutes.add_motion(store, actor, meeting_id, "Approbation du budget prévisionnel "
                           "2027", "simple", voters, 0, 0)
    if kind == "ag":
        minutes.add_motion(store, actor, meeting_id, "Approbation du rapport moral et "
                           "financier", "simple", voters, 0, 0)
        minutes.add_motion(store, actor, meeting_id, "Modification des statuts (collège "
                           "des usagers)", "deux_tiers", voters // 2, voters // 2 - 2, 2)
    decision, what, due_days, status = DECISIONS[kind]
    minutes.add_decision(store, actor, meeting_id, {
        "kind": decision, "text": what, "owner_id": owner, "status": status,
        "due_on": None if due_days is None else date.today() + timedelta(days=due_days)})
