"""The demo's contract, the health project's fiches action and the ACI indicators with
the values typed for the periods already over."""

from __future__ import annotations

import random
from datetime import date, timedelta

from ...core.db import Store
from ...core.roles import Actor
from ...missions import aci, actions, crisis_plan, indicators, pathways, prevention, support
from .directory import Cast

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
     "en_cours", 65,
     "Les professionnels ne connaissent pas tous leurs interlocuteurs ni leurs compétences.",
     ("Un annuaire partagé des acteurs sanitaires, médico-sociaux et sociaux, une messagerie "
      "sécurisée pour tous."), ("GRADeS",), (1,)),
)


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
    ("Personnes touchées par les actions de prévention", "socle_3", "resultat", "personnes",
     "quarter", 400, "higher", "sum", "prevention_personnes"),
)
FIELDS = ("name", "mission_code", "kind", "unit", "period", "target", "direction",
          "aggregation", "source")
# The year's prevention events: (month, day, title, theme, format, campaign, commune,
# place, people reached, professionals and partners drawn).
EVENTS = (
    (3, 18, "Stand Mars bleu : le test de dépistage du cancer colorectal",
     "depistage_cancers", "stand", "mars_bleu", "45155", "Marché de Gien", 64),
    (4, 28, "Vaccination : mise à jour du carnet en pharmacie", "vaccination", "atelier",
     "semaine_vaccination", "45053", "Pharmacie de la Loire", 41),
    (6, 12, "Bouger sur ordonnance : marche découverte", "activite_physique", "atelier",
     None, "45087", "Bords de Loire", 18),
    (7, 2, "Canicule : repérer les personnes isolées", "canicule", "conference", None,
     "45155", "Salle des fêtes de Gien", 35),
    (9, 24, "Nutrition au collège", "nutrition", "intervention_scolaire", None, "45053",
     "Collège de Briare", 112),
    (10, 9, "Octobre rose : mammographie, parlons-en", "depistage_cancers", "stand",
     "octobre_rose", "45155", "Centre commercial de Gien", 87),
    (11, 14, "Mois sans tabac : consultation d'aide à l'arrêt", "addictions", "atelier",
     "mois_sans_tabac", "45087", "MSP du Canal de Briare", 23),
    (12, 10, "Santé mentale : premiers secours en santé mentale", "sante_mentale", "atelier",
     None, "45155", "Maison de santé de Gien", 14),
)



def load(store: Store, actor: Actor, cast: Cast) -> dict[int, int]:
    """A contract signed in spring 2025 with the first complementary mission, the actions
    and the indicators; returns the actions' ids by number."""
    aci.save_contract(store, actor, date(2025, 3, 14), ["complementaire_1"], 2)
    numbers = _actions(store, actor, cast.of("10")[:1])
    _indicators(store, actor)
    _prevention(store, actor, cast, numbers)
    return numbers


def _actions(store: Store, actor: Actor, referents: list[int]) -> dict[int, int]:
    """The health project's seven actions, two of them with a referent, then their links
    (an action may link to one written after it)."""
    ids, saved = {}, {}
    for number, (title, missions, status, progress, context, objectives, partners,
                 _) in enumerate(ACTIONS, start=1):
        values = {
            "number": number, "title": title, "status": status, "progress": progress,
            "context": context, "objectives": objectives,
            "territory_covered": "Ensemble du territoire de la CPTS",
            "beneficiaries": "Professionnels de santé et patients du territoire",
            "start_on": f"2025-{number + 2:02d}-01"}
        related = {"missions": missions, "referents": referents if number in (3, 7) else (),
                   "partners": partners}
        ids[number], _ = actions.save_action(store, actor, values, **related)
        saved[number] = (values, related)
    for number, action in enumerate(ACTIONS, start=1):
        if action[-1]:
            values, related = saved[number]
            actions.save_action(store, actor, values, ids[number], **related,
                                links=[ids[n] for n in action[-1]])
    return ids


def _prevention(store: Store, actor: Actor, cast: Cast, numbers: dict[int, int]) -> None:
    """The year's eight events, some held, the last ones perhaps still planned, run by
    two or three professionals each (an indicator counts the people they reached)."""
    rng = random.Random(14)
    today = date.today()
    action = next(numbers[n] for n, row in enumerate(ACTIONS, start=1) if "socle_3" in row[1])
    runners = cast.of("10", "21", "60", "70")
    for month, day, title, theme, form, campaign, commune, place, reached in EVENTS:
        held_on = date(today.year, month, day)
        prevention.save_event(store, actor, {
            "title": title, "theme_code": theme, "format": form, "campaign": campaign,
            "action_id": action, "held_on": held_on, "duration_minutes": 180,
            "commune_code": commune, "place": place,
            "reached": reached if held_on <= today else None,
            "evaluation": "Bonne affluence ; à refaire l'an prochain." if held_on <= today
            else ""}, people=rng.sample(runners, rng.randint(2, 3)))


def _indicators(store: Store, actor: Actor) -> None:
    """The indicators, with values typed for the periods of the year already over."""
    rng = random.Random(219)
    ids = [indicators.save_indicator(store, actor, dict(zip(FIELDS, row)))[0]
           for row in INDICATORS]
    today = date.today()
    for month in range(1, today.month):
        indicators.record_value(store, actor, ids[1], date(today.year, month, 1),
                                rng.randrange(12, 26))
    for month in range(1, today.month):
        indicators.record_value(store, actor, ids[2], date(today.year, month, 1),
                                rng.randrange(78, 95))
    for month in range(1, indicators.period_start(today, "quarter").month, 3):
        indicators.record_value(store, actor, ids[5], date(today.year, month, 1),
                                rng.randrange(1, 3))
    indicators.record_value(store, actor, ids[0], date(today.year, 1, 1), 4120,
                            "Données CPAM : 1 030 en ALD, 1 480 de 70 ans et plus, 610 C2S.")


def load_pathways(store: Store, actor: Actor, cast: Cast, numbers: dict[int, int]) -> None:
    """Two pathways after the meetings: heart failure, running, with a national
    cooperation protocol (a doctor delegating the follow-up to a nurse), monthly
    inclusions and the concertation meetings; and the elderly at home, in project."""
    today = date.today()
    doctor, nurse = cast.of("10")[1], cast.of("60")[0]
    pharmacist = cast.of("21")[0]
    heart, _ = pathways.save_pathway(store, actor, {
        "title": "Insuffisance cardiaque : le retour à domicile après une hospitalisation",
        "pathway_theme": "insuffisance_cardiaque", "status": "en_cours",
        "started_on": date(today.year - 1, 9, 1),
        "description": "Sortie d'hospitalisation préparée avec le centre hospitalier, suivi "
                       "infirmier renforcé le premier mois, conciliation médicamenteuse."},
        action_ids=[numbers[1], numbers[6]])  # and the seed's protocols fiche
    for person, role in ((doctor, "Médecin traitant référent"),
                         (nurse, "Infirmière de suivi"),
                         (pharmacist, "Conciliation médicamenteuse")):
        pathways.add_member(store, actor, heart, person, role=role)
    protocol = pathways.save_protocol(store, actor, {
        "pathway_id": heart, "title": "Suivi infirmier de l'insuffisance cardiaque",
        "kind": "cooperation_nationale", "started_on": date(today.year - 1, 10, 1),
        "ars_declared_on": date(today.year - 1, 10, 15),
        "inclusion": "Patient en insuffisance cardiaque, sorti d'hospitalisation depuis moins "
                     "d'un mois, d'accord pour le suivi.",
        "exclusion": "Insuffisance cardiaque terminale, refus du patient.",
        "steps": "Pesée et constantes deux fois par semaine, adaptation du diurétique selon "
                 "l'arbre décisionnel, appel du médecin au-delà des seuils.",
        "follow_up": "Fiche de suivi dans le dossier partagé, bilan mensuel au médecin."})
    pathways.adhere(store, actor, protocol, doctor, "delegant", date(today.year - 1, 10, 1))
    pathways.adhere(store, actor, protocol, nurse, "delegue", date(today.year - 1, 10, 3))
    month = date(today.year - 1, 10, 1)
    rng = random.Random(2)
    while month <= today:
        pathways.set_inclusions(store, actor, heart, month, rng.randint(1, 4))
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    for meeting in store.query("SELECT id, starts_at FROM meetings"
                               " WHERE kind = 'concertation'"):
        held = meeting["starts_at"] < today.isoformat()
        pathways.link_meeting(store, actor, heart, meeting["id"], 4 if held else 0)
    elderly, _ = pathways.save_pathway(store, actor, {
        "title": "Personne âgée à domicile : prévenir les chutes",
        "pathway_theme": "personne_agee", "status": "projet",
        "description": "Repérage des fragilités par les infirmiers et les pharmaciens, "
                       "bilan kinésithérapique, aménagement du logement."},
        action_ids=[numbers[2]])
    pathways.add_member(store, actor, elderly, cast.of("70")[0], role="Kinésithérapeute")


def load_support(store: Store, actor: Actor, cast: Cast) -> None:
    """Three newcomers (one settled, one expected, one given up) and two placements with
    the places their supervisors offer."""
    today = date.today()
    doctors, physio = cast.of("10"), cast.of("70")
    settled = support.save_newcomer(store, actor, {
        "person_id": doctors[-1], "status": "installe",
        "settled_on": today - timedelta(days=120), "notes": "Reprise d'une patientèle à Gien."})
    for days, kind, text in ((200, "visite", "Visite du territoire et des deux MSP"),
                             (170, "contacts", "Contacts de la CPAM et de l'Ordre"),
                             (150, "locaux", "Cabinet libre à la MSP des Bords de Loire")):
        support.add_step(store, actor, settled, today - timedelta(days=days), kind, text)
    expected = support.save_newcomer(store, actor, {
        "name": "Dr Amandine Perrin", "profession_code": "10", "commune_code": "45053",
        "expected_on": today + timedelta(days=90)})
    support.add_step(store, actor, expected, today - timedelta(days=20), "visite",
                     "Rencontre avec l'équipe de la MSP du Canal")
    support.save_newcomer(store, actor, {
        "name": "Julien Marchand", "profession_code": "70", "commune_code": "45087",
        "status": "abandonne", "notes": "Installation abandonnée : local trouvé ailleurs."})
    for supervisor, level in ((doctors[0], "interne"), (physio[0], "paramedical")):
        support.offer_places(store, actor, supervisor, today.year, level, 2)
    support.add_placement(store, actor, doctors[0], "interne", date(today.year, 5, 2),
                          date(today.year, 10, 31), "Faculté de médecine de Tours")
    support.add_placement(store, actor, physio[0], "paramedical", today - timedelta(days=30),
                          today + timedelta(days=30), "IFMK d'Orléans", "Léo Garnier", True)


def load_crisis_plan(store: Store, actor: Actor, cast: Cast) -> None:
    """Last year's SSE plan, validated and sent to the ARS and the CPAM, and this year's
    update in draft, started from it, with its fiche canicule rewritten and a second
    vaccination site; a training held last year."""
    today = date.today()
    doctors, nurses, pharmacists = cast.of("10"), cast.of("60"), cast.of("21")
    first = crisis_plan.create_plan(store, actor, today.year - 1)
    crisis_plan.save_texts(store, actor, first, {
        "contexte": ("Territoire rural de 26 communes le long de la Loire, avec la centrale "
                     "nucléaire de Dampierre-en-Burly et des épisodes de canicule chaque été."),
        "cellule": ("La cellule de crise se réunit dans les quatre heures à la demande du "
                    "référent, en visioconférence ou au siège de la CPTS à Gien."),
        "communication": ("Messages aux professionnels par SMS et MSSanté ; informations à la "
                          "population par les mairies et la presse locale."),
        "formation": "Une formation ORSAN et un exercice par an."})
    referent = crisis_plan.save_contact(store, actor, first, {
        "role": "referent", "person_id": doctors[0], "function": "Médecin généraliste",
        "alert_rank": 1})
    crisis_plan.save_contact(store, actor, first, {
        "role": "suppleant", "person_id": nurses[0], "function": "Infirmière libérale",
        "alert_rank": 2, "called_by": referent})
    crisis_plan.save_contact(store, actor, first, {
        "role": "cellule", "person_id": pharmacists[0], "function": "Pharmacien",
        "alert_rank": 2, "called_by": referent})
    for name, phone, function in (("Délégation départementale ARS du Loiret", "02 38 77 32 32",
                                   "ARS"),
                                  ("SAMU 45 – Centre 15", "02 38 51 44 44", "Centre 15"),
                                  ("SDIS du Loiret", "02 38 52 10 00", "Pompiers"),
                                  ("Mairie de Gien", "02 38 29 80 00", "Mairie")):
        crisis_plan.save_contact(store, actor, first, {"role": "externe", "name": name,
                                                       "phone": phone, "function": function})
    for person in doctors[1:3] + nurses[1:4] + pharmacists[1:2]:
        crisis_plan.save_resource(store, actor, first, {"kind": "professionnel",
                                                        "person_id": person})
    crisis_plan.save_resource(store, actor, first, {
        "kind": "lieu", "label": "Salle polyvalente de Gien", "quantity": 200,
        "details": "Centre de vaccination : 4 lignes, accès handicapé"})
    crisis_plan.save_resource(store, actor, first, {
        "kind": "materiel", "label": "Masques FFP2", "quantity": 2000,
        "details": "Stock au siège de la CPTS"})
    crisis_plan.save_fiche(store, actor, first, "epidemie_climat", {
        "actions": "Appeler les patients fragiles connus.\nOuvrir des créneaux SNP renforcés.",
        "who": "Les infirmiers libéraux appellent ; les MSP ouvrent les créneaux.",
        "communication_internal": "SMS aux professionnels dès l'alerte canicule.",
        "communication_external": "Affiches dans les pharmacies et les mairies."})
    crisis_plan.save_fiche(store, actor, first, "nrbc", {
        "actions": "Relayer les consignes de la préfecture (comprimés d'iode).",
        "who": "Les pharmaciens distribuent ; le référent informe la cellule."})
    validated = date(today.year - 1, 3, 10)
    crisis_plan.validate(store, actor, first, "Conseil d'administration", validated, today)
    crisis_plan.record_follow_up(store, actor, first, {
        "sent_ars_on": validated + timedelta(days=5), "sent_cpam_on": validated + timedelta(days=5),
        "discussed_ars_on": validated + timedelta(days=40),
        "next_review_on": date(today.year, 3, 10)})
    crisis_plan.add_training(store, actor, first, {
        "title": "Formation ORSAN avec l'ARS", "held_on": validated + timedelta(days=60),
        "participants": 14, "lessons": "Tenir la liste d'alerte à jour chaque trimestre."},
        today)
    second = crisis_plan.start_next(store, actor, first)
    crisis_plan.save_fiche(store, actor, second, "epidemie_climat", {
        **crisis_plan.fiches(store, second)["epidemie_climat"],
        "actions": ("Appeler les patients fragiles connus.\nOuvrir des créneaux SNP renforcés."
                    "\nOuvrir une salle rafraîchie à Gien avec la mairie.")})
    crisis_plan.save_resource(store, actor, second, {
        "kind": "lieu", "label": "Gymnase de Briare", "quantity": 120,
        "details": "Second centre de vaccination"})
