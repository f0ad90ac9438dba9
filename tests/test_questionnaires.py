"""Questionnaires: campaigns from the template, questions archived not lost, answers
checked and saved (incomplete ones too), duplicates refused, results counted in SQL."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import Workbook

from helpers import COORD, logged_in, open_page, person, shown_errors, texts, widget
from portal.core import tabular
from portal.core.errors import PermissionDenied, PortalError
from portal.core.roles import BUREAU, Actor
from portal.directory import persons
from portal.missions import indicators
from portal.questionnaires import campaigns, figures, responses


def campaign(store, title="Consultation 2026") -> tuple[int, dict[str, int]]:
    """A campaign from the template; its questions by a short name."""
    campaign_id, _ = campaigns.save_campaign(store, COORD, {"title": title})
    ids = [q["id"] for q in campaigns.questions(store, campaign_id)]
    return campaign_id, dict(zip(("cpts", "mt", "snp", "parcours", "prevention", "crise",
                                  "comment"), ids))


def answer(store, campaign_id, person_id, **values):
    return responses.save_response(store, COORD, campaign_id, values.pop("answers"),
                                   person_id=person_id, received_on=date(2026, 11, 2),
                                   **values)


def test_a_campaign_starts_from_the_cpts_questionnaire(store):
    with pytest.raises(PortalError) as error:
        campaigns.save_campaign(store, COORD, {"title": " "})
    assert error.value.field == "title"
    with pytest.raises(PermissionDenied):
        campaigns.save_campaign(store, Actor("b", frozenset({BUREAU})), {"title": "X"})
    campaign_id, _ = campaign(store)
    asked = campaigns.questions(store, campaign_id)
    assert [q["kind"] for q in asked] == ["yes_no"] + ["yes_no_nc"] * 5 + ["text"]
    assert [q["mission_code"] for q in asked][1:6] == ["socle_1", "socle_1", "socle_2",
                                                       "socle_3", "socle_4"]
    document = campaigns.blank_docx(store, campaign_id, "CPTS test")
    assert document[:2] == b"PK"


def test_questions_are_added_reordered_and_archived_once_answered(store):
    campaign_id, ids = campaign(store)
    for kind, label, options, field in (("single", "Secteur", ["Nord"], "question_options"),
                                        ("multiple", "Jours", ["lundi", "lundi"],
                                         "question_options"),
                                        ("text", " ", [], "question_label"),
                                        ("echelle", "Note", [], "question_kind")):
        with pytest.raises(PortalError) as error:
            campaigns.add_question(store, COORD, campaign_id, kind, label, options)
        assert error.value.field == field
    days = campaigns.add_question(store, COORD, campaign_id, "multiple",
                                  "Jours de disponibilité", ["lundi", " mardi ", ""])
    assert campaigns.questions(store, campaign_id)[-1]["options"] == ["lundi", "mardi"]
    campaigns.move_question(store, COORD, days, -1)
    order = [q["id"] for q in campaigns.questions(store, campaign_id)]
    assert order[-2:] == [days, ids["comment"]]
    campaigns.move_question(store, COORD, order[0], -1)  # already first: no change
    assert [q["id"] for q in campaigns.questions(store, campaign_id)] == order
    assert campaigns.remove_question(store, COORD, days) == "deleted"
    answer(store, campaign_id, person(store, "Martin"), answers={ids["crise"]: "oui"})
    assert campaigns.remove_question(store, COORD, ids["crise"]) == "archived"
    assert ids["crise"] not in [q["id"] for q in campaigns.questions(store, campaign_id)]
    exported = responses.export_frame(store, campaign_id)
    assert exported["Participer à la gestion de crises sanitaires"].tolist() == ["Oui"]
    campaigns.restore_question(store, COORD, ids["crise"])
    assert campaigns.questions(store, campaign_id)[-1]["id"] == ids["crise"]


def test_answers_are_checked_and_an_incomplete_sheet_is_marked(store):
    campaign_id, ids = campaign(store)
    martin = person(store, "Martin")
    for values, field in (({ids["mt"]: "peut-être"}, f"q{ids['mt']}"),
                          ({ids["cpts"]: "nc"}, f"q{ids['cpts']}")):
        with pytest.raises(PortalError) as error:
            answer(store, campaign_id, martin, answers=values)
        assert error.value.field == field
    full = {ids[k]: "oui" for k in ("cpts", "mt", "snp", "parcours", "prevention", "crise")}
    response_id, complete = answer(store, campaign_id, martin,
                                   answers={**full, ids["mt"]: None})
    assert not complete
    with pytest.raises(responses.AlreadyAnswered) as error:
        answer(store, campaign_id, martin, answers=full)
    assert error.value.response_id == response_id and error.value.field == "person"
    again, complete = answer(store, campaign_id, martin, answers=full, replace=True)
    assert (again, complete) == (response_id, True)  # the comment may stay empty
    assert responses.get_response(store, response_id)["answers"][ids["mt"]] == ["oui"]
    assert store.scalar("SELECT COUNT(*) FROM answers WHERE response_id = ?",
                        (response_id,)) == 6
    campaigns.set_closed(store, COORD, campaign_id, True)
    with pytest.raises(PortalError, match="close"):
        answer(store, campaign_id, person(store, "Durand"), answers=full)


def test_a_respondent_outside_the_directory_gets_a_record(store):
    campaign_id, ids = campaign(store)
    person(store, "Faure")
    new = {"last_name": "Faure", "first_name": "A", "profession_code": "60",
           "phone": "02 38 67 00 00", "email": "a.faure@example.org"}
    with pytest.raises(PortalError, match="porte déjà ce nom"):
        responses.save_response(store, COORD, campaign_id, {ids["mt"]: "oui"},
                                new_person=new)
    with pytest.raises(PortalError) as error:
        responses.save_response(store, COORD, campaign_id, {ids["mt"]: "oui"},
                                new_person={**new, "phone": "12"}, create_anyway=True)
    assert error.value.field == "phone"
    assert store.scalar("SELECT COUNT(*) FROM people WHERE last_name = 'Faure'") == 1
    response_id, _ = responses.save_response(store, COORD, campaign_id, {ids["mt"]: "oui"},
                                             new_person=new, create_anyway=True)
    created = store.query_one("SELECT p.* FROM responses r JOIN people p"
                              " ON p.id = r.person_id WHERE r.id = ?", (response_id,))
    assert created["phone"] == "+33238670000"
    assert not persons.get_person(store, created["id"])["member"]  # a respondent, no member


def test_shares_by_profession_on_a_fixture(store):
    """4 doctors and 2 nurses answer "médecin traitant": Oui, Oui, Non, NC and Oui, Non."""
    campaign_id, ids = campaign(store)
    days = campaigns.add_question(store, COORD, campaign_id, "multiple", "Jours",
                                  ["lundi", "mardi"])
    given = [("10", "oui", ["lundi"]), ("10", "oui", ["lundi", "mardi"]), ("10", "non", []),
             ("10", "nc", ["mardi"]), ("60", "oui", ["lundi"]), ("60", "non", [])]
    for i, (profession, value, picked) in enumerate(given):
        answer(store, campaign_id, person(store, f"P{i}", profession=profession),
               answers={ids["mt"]: value, days: picked,
                        ids["comment"]: "Disponible le soir" if i == 0 else ""})
    overall = figures.shares(store, campaign_id).query(f"question_id == {ids['mt']}")
    assert dict(zip(overall["value"], overall["share"])) == {
        "oui": 0.5, "non": round(2 / 6, 4), "nc": round(1 / 6, 4)}
    assert overall["value"].tolist() == ["oui", "non", "nc"]  # the question's order
    by = figures.shares(store, campaign_id, "profession").query(f"question_id == {ids['mt']}")
    doctors = by[by["grp"] == "Médecin"]
    assert dict(zip(doctors["value"], doctors["share"])) == {"oui": 0.5, "non": 0.25,
                                                             "nc": 0.25}
    assert by[by["grp"] == "Infirmier"]["answered"].tolist() == [2, 2]
    multiple = figures.shares(store, campaign_id).query(f"question_id == {days}")
    assert dict(zip(multiple["value"], multiple["share"])) == {"lundi": 0.75, "mardi": 0.5}
    assert figures.summary(store, campaign_id)["responses"] == 6
    assert figures.summary(store, campaign_id)["rate"] == 1.0  # the six are the directory
    assert figures.volunteers(store, campaign_id, ids["mt"])["last_name"].tolist() == [
        "P0", "P1", "P4"]
    assert figures.comments(store, campaign_id)["text"].tolist() == ["Disponible le soir"]


def test_two_campaigns_compare_and_feed_indicators(store):
    before, first = campaign(store, "Préfiguration")
    after, second = campaign(store, "Consultation 2026")
    people = [person(store, f"P{i}") for i in range(4)]
    for person_id, value in zip(people, ("oui", "non", "non", "non")):
        answer(store, before, person_id, answers={first["mt"]: value})
    for person_id, value in zip(people, ("oui", "oui", "oui", "nc")):
        answer(store, after, person_id, answers={second["mt"]: value, second["snp"]: "non"})
    frame = figures.compare(store, before, after).set_index("label")
    row = frame.loc["Faciliter l'accès à un médecin traitant"]
    assert (row["share_before"], row["share_after"], row["change"]) == (0.25, 0.75, 0.5)
    # socle_1 asks two questions: a sheet counts once, with a Oui to either.
    indicator_id, _ = indicators.save_indicator(store, COORD, {
        "name": "Part de oui", "mission_code": "socle_1", "kind": "resultat",
        "period": "month", "direction": "higher", "aggregation": "mean",
        "source": "part_oui_mission"})
    values = indicators.values_for_year(store, indicators.get_indicator(store, indicator_id),
                                        2026, date(2026, 12, 15))
    assert values.loc[values["period"] == "11/2026", "value"].tolist() == [50.0]
    assert figures.responses_received(store, {}, date(2026, 11, 1), date(2026, 12, 1)) == 8


def test_entry_page_saves_clears_and_refuses_a_second_sheet(demo_store):
    store = demo_store
    campaign_id = store.scalar("SELECT id FROM campaigns WHERE closed = 0")
    done = set(store.frame("SELECT person_id FROM responses WHERE campaign_id = ?",
                           (campaign_id,))["person_id"])
    fresh, rpps = store.query_one(
        "SELECT id, rpps FROM people WHERE rpps IS NOT NULL AND id NOT IN (SELECT person_id"
        " FROM responses WHERE campaign_id = ?) LIMIT 1", (campaign_id,)).values()
    answered = store.query_one(
        "SELECT email FROM people p WHERE (SELECT COUNT(*) FROM people o WHERE o.email ="
        " p.email) = 1 AND id IN (SELECT person_id FROM responses WHERE campaign_id = ?)",
        (campaign_id,))["email"]
    before = responses.count_responses(store, campaign_id)
    at = open_page(logged_in("demo.coordination"), "survey_entry")
    assert not at.exception
    assert widget(at.selectbox, "Personne trouvée").options == ["Aucune"]
    widget(at.text_input, "Personne de l'annuaire").input(rpps).run()
    assert widget(at.selectbox, "Personne trouvée").value == fresh  # the one found is chosen
    first = campaigns.questions(store, campaign_id)[1]
    widget(at.radio, f"2. {first['label']}").set_value("oui")
    widget(at.button, "Enregistrer et passer à la suivante").click()
    at.run()
    assert not at.exception
    assert responses.count_responses(store, campaign_id) == before + 1
    assert "incomplète" in texts(at) and "dont 1 saisie(s) ici" in texts(at)
    assert widget(at.text_input, "Personne de l'annuaire").value == ""  # a blank sheet
    assert widget(at.selectbox, "Personne trouvée").value is None
    widget(at.text_input, "Personne de l'annuaire").input(answered.upper()).run()
    assert widget(at.selectbox, "Personne trouvée").value in done
    widget(at.button, "Enregistrer et passer à la suivante").click()
    at.run()
    assert "Cette personne a déjà répondu à cette campagne." in shown_errors(at)
    assert "Voir sa première réponse" in [link.label for link in at.get("page_link")]
    assert responses.count_responses(store, campaign_id) == before + 1


def test_results_page_shows_charts_volunteers_and_the_sheet(demo_store):
    campaign_id = demo_store.scalar("SELECT id FROM campaigns WHERE closed = 0")
    response_id = demo_store.scalar("SELECT MIN(id) FROM responses WHERE campaign_id = ?",
                                    (campaign_id,))
    at = open_page(logged_in("demo.bureau"), "campaign", id=campaign_id, response=response_id)
    assert not at.exception
    closed = [q for q in campaigns.questions(demo_store, campaign_id)
              if q["kind"] != "text"]
    assert len(at.get("vega_lite_chart")) == len(closed)
    sheet = responses.get_response(demo_store, response_id)
    assert f"Réponse de {sheet['first_name']} {sheet['last_name']}" in texts(at)
    assert not [b for b in at.button if b.label == "Supprimer cette réponse"]  # bureau reads
    assert [b.label for b in at.get("download_button")][:3] == [
        "Questionnaire vierge (Word)", "Réponses (Excel)", "Réponses (CSV)"]


def messy_workbook(rows: list[list]) -> bytes:
    """An online form's export as people send it: a title merged across the top, a blank
    line, then the header, and a blank line among the answers."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Consultation CPTS – réponses"])
    sheet.merge_cells("A1:F1")
    sheet.append([])
    sheet.append(["Horodatage", "Nom et prénom", "Spécialité", "Adresse mail",
                  "1 - Faciliter l'accès à un médecin traitant",
                  "2 - Améliorer la prise en charge des soins non programmés en ville"])
    for row in rows:
        sheet.append(row)
    sheet.insert_rows(5)  # a blank line in the middle of the answers
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_import_reads_a_messy_export_and_finds_or_creates_people(store):
    campaign_id, ids = campaign(store)
    known = person(store, "Martin")  # "A Martin" in the directory
    faure = person(store, "Faure")
    with store.write(COORD) as tx:
        tx.update("people", faure, {"email": "r.faure@example.org"})
    data = messy_workbook([
        ["02/11/2026 09:14:02", "MARTIN A", "Infirmier", "", "OUI", "non"],
        ["2026-11-03", "Faure Robert", "Infirmier", "R.Faure@example.org", "Oui ", "N.C."],
        ["04/11/2026", "Nouveau Jean", "Sage-femme", "j.nouveau@example.org", "x", "NC"]])
    table = tabular.read(data, "reponses.xlsx")
    mapping = responses.guess_import_mapping(store, campaign_id, list(table.frame.columns))
    assert mapping == {"full_name": "Nom et prénom", "profession": "Spécialité",
                       "email": "Adresse mail", "received_on": "Horodatage",
                       f"q{ids['mt']}": "1 - Faciliter l'accès à un médecin traitant",
                       f"q{ids['snp']}": "2 - Améliorer la prise en charge des soins non "
                                         "programmés en ville"}
    checked = responses.import_answers(store, COORD, campaign_id, table, mapping, dry_run=True)
    assert (checked.created, checked.errors) == (3, [])
    assert responses.count_responses(store, campaign_id) == 0
    report = responses.import_answers(store, COORD, campaign_id, table, mapping)
    assert report.created == 3
    answers = store.frame(
        "SELECT p.last_name, r.received_on, r.channel, a.question_id, a.value FROM answers a"
        " JOIN responses r ON r.id = a.response_id JOIN people p ON p.id = r.person_id"
        " ORDER BY r.id, a.question_id")
    assert answers["value"].tolist() == ["oui", "non", "oui", "nc", "oui", "nc"]
    assert answers["received_on"].tolist()[::2] == ["2026-11-02", "2026-11-03", "2026-11-04"]
    assert set(answers["channel"]) == {"import"}
    martin = store.scalar("SELECT person_id FROM responses ORDER BY id LIMIT 1")
    assert martin == known  # found by name, capitals and order aside
    created = store.query_one("SELECT * FROM people WHERE last_name = 'Nouveau'")
    assert (created["first_name"], created["profession_code"]) == ("Jean", "50")


def test_import_is_all_or_nothing_with_line_numbers(store):
    campaign_id, _ids = campaign(store)
    text = ("Nom;Prénom;Faciliter l'accès à un médecin traitant\n"
            "Légère;Zoé;oui\n"
            "Dupré;Noël;peut-être\n"
            "\n"
            "Légère;Zoé;non\n")
    table = tabular.read(text.encode("cp1252"), "reponses.csv")
    assert table.encoding == "Windows-1252"
    mapping = responses.guess_import_mapping(store, campaign_id, list(table.frame.columns))
    report = responses.import_answers(store, COORD, campaign_id, table, mapping)
    assert report.errors == [
        ("Ligne 3 : « peut-être » n'est pas une réponse à « Faciliter l'accès à un médecin "
         "traitant »."),
        "Ligne 5 : Zoé Légère répond déjà plus haut dans le fichier."]
    assert report.created == 0
    assert responses.count_responses(store, campaign_id) == 0
    assert store.scalar("SELECT COUNT(*) FROM people") == 0  # nobody created either
    with pytest.raises(PortalError) as error:
        responses.import_answers(store, COORD, campaign_id, table, {"last_name": "Nom"})
    assert error.value.field == "mapping"


def test_a_sheet_with_an_obviously_incomplete_identity_is_saved_only_once_confirmed(demo_store):
    campaign_id = demo_store.scalar("SELECT id FROM campaigns WHERE closed = 0")
    half_typed = {"last_name": "Lemoine", "first_name": "", "profession_code": None}
    with pytest.raises(PortalError) as error:
        responses.save_response(demo_store, COORD, campaign_id, {}, new_person=half_typed,
                                incomplete_ok=False)
    assert error.value.field == "incomplete"
    assert "il manque le prénom, la profession, toute réponse" in error.value.message
    assert not demo_store.scalar("SELECT COUNT(*) FROM people WHERE last_name = 'Lemoine'")
    question = campaigns.questions(demo_store, campaign_id)[0]
    with pytest.raises(PortalError, match="il manque la profession\\."):
        responses.save_response(demo_store, COORD, campaign_id, {question["id"]: "oui"},
                                new_person={**half_typed, "first_name": "Claire"},
                                incomplete_ok=False)
    responses.save_response(demo_store, COORD, campaign_id, {}, new_person=half_typed,
                            incomplete_ok=True)  # confirmed
    assert demo_store.scalar("SELECT COUNT(*) FROM people WHERE last_name = 'Lemoine'") == 1
