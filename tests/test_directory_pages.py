"""Directory pages through AppTest: search, records, forms, visibility, merge, territory."""

from __future__ import annotations

from rpps_files import header, line, professional

from helpers import logged_in, open_page, shown_errors, texts, widget
from portal.core.errors import Busy
from portal.core.roles import CLI as RESTORER
from portal.core.roles import COORDINATOR, Actor
from portal.directory import organizations, persons, territory
from portal.directory.search import Filters, count_people

COORD = Actor("demo.coordination", frozenset({COORDINATOR}))


def add_person(store, last, first="Anne", **values):
    tags = values.pop("tags", ())
    person_id, _ = persons.save_person(store, COORD, {
        "last_name": last, "first_name": first, "profession_code": "60",
        "commune_code": "45155", **values}, tags=tags)
    return person_id


def test_search_narrows_the_table_and_counts(demo_store):
    add_person(demo_store, "Zéphyrin", tags=["Plaies chroniques"])
    at = open_page(logged_in("demo.coordination"), "directory")
    total = count_people(demo_store, Filters(include_hidden=True))
    assert f"{total} personne(s)" in texts(at)
    widget(at.text_input, "Rechercher").input("zephyrin plaies")
    at.run()
    assert "1 personne(s)" in texts(at)
    assert at.dataframe[0].value["Nom"].tolist() == ["Zéphyrin"]
    assert not at.exception


def test_members_never_see_hidden_people_nor_edit_controls(demo_store):
    hidden = add_person(demo_store, "Cachée", visible=False)
    at = open_page(logged_in("demo.membre"), "directory")
    widget(at.text_input, "Rechercher").input("cachee")
    at.run()
    assert "Personne ne correspond" in texts(at)
    assert not [b for b in at.button if b.label == "Nouvelle personne"]
    at = open_page(at, "person", id=hidden)
    assert "Choisissez une personne" in texts(at)
    at = open_page(logged_in("demo.bureau"), "person", id=hidden)
    assert at.title[0].value.endswith("Cachée")


def test_a_new_person_with_a_bad_phone_is_refused_next_to_the_field(demo_store):
    at = open_page(logged_in("demo.coordination"), "person", new=1)
    widget(at.text_input, "Nom").input("Nouvelle")
    widget(at.text_input, "Téléphone professionnel").input("02 38")
    widget(at.button, "Enregistrer").click()
    at.run()
    assert shown_errors(at) == [
        "Numéro de téléphone invalide : « 02 38 » (ex. : 02 38 67 00 00)."]
    assert count_people(demo_store, Filters(include_hidden=True, text="nouvelle")) == 0
    widget(at.text_input, "Téléphone professionnel").input("02 38 67 00 00")
    widget(at.button, "Enregistrer").click()
    at.run()
    assert not at.exception
    assert count_people(demo_store, Filters(include_hidden=True, text="nouvelle")) == 1


def test_editing_a_record_marks_the_field_as_manual_and_shows_escaped_names(demo_store):
    person_id = add_person(demo_store, "**Gras** [lien](javascript:alert(1))")
    at = open_page(logged_in("demo.coordination"), "person", id=person_id)
    assert at.title[0].value == ("Anne \\*\\*Gras\\*\\* \\[lien\\]"
                                 "\\(javascript\\:\u2060alert\\(1\\)\\)")
    widget(at.text_input, "E-mail").input("anne@example.org")
    widget(at.button, "Enregistrer").click()
    at.run()
    assert "Fiche enregistrée." in texts(at)
    assert "email" in persons.get_person(demo_store, person_id)["manual_fields"]


def test_erasing_needs_confirmation(demo_store):
    person_id = add_person(demo_store, "Effacer", email="e@example.org")
    at = open_page(logged_in("demo.coordination"), "person", id=person_id)
    widget(at.button, "Effacer la fiche").click()
    at.run()
    assert "Cochez la case pour confirmer." in shown_errors(at)
    assert persons.get_person(demo_store, person_id)["erased_at"] is None
    widget(at.checkbox, "Je confirme l'effacement définitif").check()
    widget(at.button, "Effacer la fiche").click()
    at.run()
    assert persons.get_person(demo_store, person_id)["email"] is None


def test_duplicates_page_merges_the_chosen_pair(demo_store):
    keep = add_person(demo_store, "Doublon", "Jean", email="jean@example.org")
    drop = add_person(demo_store, "DOUBLON", "jean", phone="0238670000")
    at = open_page(logged_in("demo.coordination"), "duplicates")
    labels = widget(at.selectbox, "Paire").options
    index = next(i for i, label in enumerate(labels) if f"n° {keep} " in label)
    widget(at.selectbox, "Paire").set_value(index)
    at.run()
    widget(at.checkbox, f"Je confirme la fusion de la fiche n° {drop} dans la fiche n° {keep}") \
        .check()
    widget(at.button, "Fusionner").click()
    at.run()
    assert persons.get_person(demo_store, drop)["merged_into"] == keep
    assert persons.get_person(demo_store, keep)["phone"] == "+33238670000"


def test_territory_page_adds_communes_of_a_department(demo_store):
    at = open_page(logged_in("demo.admin"), "territory")
    assert "24" in [m.value for m in at.metric]
    widget(at.selectbox, "Département").set_value("18")
    at.run()
    widget(at.multiselect, "Communes").select("18033")  # Bourges
    at.run()
    widget(at.button, "Ajouter au territoire").click()
    at.run()
    assert "18033" in territory.codes(demo_store)


def test_organisation_record_lists_its_people(demo_store):
    msp_id = organizations.list_organizations(demo_store, text="Bords de Loire")[0].iloc[0]["id"]
    at = open_page(logged_in("demo.membre"), "organization", id=int(msp_id))
    assert at.title[0].value == "MSP des Bords de Loire"
    assert len(at.dataframe[0].value) == count_people(
        demo_store, Filters(organization=int(msp_id)))
    assert not [e for e in at.expander if e.label == "Modifier la structure"]


def test_import_page_analyses_then_imports_on_confirmation(demo_store):
    rows = [professional("10000000017", "IMPORTÉ", "ANNE", "45155"),
            professional("10000000025", "AILLEURS", "PAUL", "75056")]
    data = (header() + "".join(line(r) for r in rows)).encode("utf-8")
    at = open_page(logged_in("demo.coordination"), "directory_import")
    at.get("file_uploader")[0].set_value(
        ("PS_LibreAcces_Personne_activite_202611010930.txt", data, "text/plain"))
    at.run()
    widget(at.button, "Analyser le fichier").click()
    at.run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Nouvelles"] == "1" and metrics["Lignes lues"] == "2"
    widget(at.button, "Importer").click()
    at.run()
    assert "Cochez la case pour confirmer." in shown_errors(at)
    assert count_people(demo_store, Filters(include_hidden=True, text="importe")) == 0
    widget(at.checkbox, "Je confirme l'import de ces changements dans l'annuaire").check()
    widget(at.button, "Importer").click()
    at.run()
    assert count_people(demo_store, Filters(include_hidden=True, text="importe")) == 1


def test_import_page_reports_a_broken_file_and_writes_nothing(demo_store):
    at = open_page(logged_in("demo.admin"), "directory_import")
    at.get("file_uploader")[0].set_value(("x.txt", b"Nom;Ville\nA;B\n", "text/plain"))
    at.run()
    widget(at.button, "Analyser le fichier").click()
    at.run()
    assert "colonnes introuvables" in shown_errors(at)[0]


def test_spreadsheet_tab_maps_columns_checks_then_imports(demo_store):
    csv_text = "Nom;Prénom;Profession;Ville\nTableur;Ana;Infirmier;Gien\n"
    at = open_page(logged_in("demo.coordination"), "directory_import")
    at.get("file_uploader")[1].set_value(("liste.csv", csv_text.encode("cp1252"), "text/csv"))
    at.run()
    assert widget(at.selectbox, "Nom").value == "Nom"  # mapped from the header
    widget(at.button, "Vérifier sans importer").click()
    at.run()
    assert "Toutes les lignes sont valides : 1 à importer." in texts(at)
    assert count_people(demo_store, Filters(include_hidden=True, text="tableur")) == 0
    widget(at.checkbox, "Je confirme l'import de toutes les lignes").check()
    widget(at.button, "Importer").click()
    at.run()
    assert "1 ligne(s) importée(s)." in texts(at)
    assert count_people(demo_store, Filters(include_hidden=True, text="tableur")) == 1


def test_a_save_while_writes_are_paused_says_so_and_keeps_what_was_typed(demo_store):
    at = open_page(logged_in("demo.coordination"), "person", new=1)
    demo_store.pause_writes(RESTORER)  # as a restore does
    widget(at.text_input, "Nom").input("Nouvelle")
    widget(at.button, "Enregistrer").click()
    at.run()
    assert shown_errors(at) == [Busy.RESTORING]
    assert widget(at.text_input, "Nom").value == "Nouvelle"
    demo_store.resume_writes(RESTORER)
    widget(at.button, "Enregistrer").click()
    at.run()
    assert count_people(demo_store, Filters(include_hidden=True, text="nouvelle")) == 1


def test_a_logged_view_of_patient_data_while_writes_are_paused_waits(demo_store):
    request_id = demo_store.scalar("SELECT MIN(id) FROM mt_requests")
    at = logged_in("demo.coordination")
    demo_store.pause_writes(RESTORER)
    at = open_page(at, "doctor_request", id=request_id)  # each view is logged, or not shown
    assert Busy.RESTORING in [w.value for w in at.warning] and not at.exception
