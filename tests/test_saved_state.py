"""After a save the page shows what was saved, says so, and an entry form starts blank."""

from __future__ import annotations

from datetime import date

from helpers import COORD, logged_in, open_page, texts, toasts, unescaped, widget
from portal.accounts import login
from portal.directory import persons
from portal.missions import actions, indicators


def test_a_person_saved_shows_the_new_phone_above_the_form(demo_store):
    person_id, _ = persons.save_person(demo_store, COORD, {
        "last_name": "Vidal", "profession_code": "60", "phone": "02 38 47 55 17"})
    at = open_page(logged_in("demo.coordination"), "person", id=person_id)
    widget(at.text_input, "Téléphone professionnel").input("02 38 47 55 18")
    widget(at.button, "Enregistrer").click().run()
    assert "Fiche enregistrée." in toasts(at)
    assert "Téléphone : 02 38 47 55 18" in texts(at)
    assert "02 38 47 55 17" not in texts(at)


def test_an_action_saved_shows_its_new_title(demo_store):
    action_id, _ = actions.save_action(demo_store, COORD, {"number": 42, "title": "Ancien"},
                                       missions=["socle_1"])
    at = open_page(logged_in("demo.coordination"), "action", id=action_id)
    widget(at.text_input, "Intitulé").input("Nouveau titre")
    widget(at.button, "Enregistrer").click().run()
    assert unescaped(at.title[0].value) == "Action n°42 : Nouveau titre"
    assert "Fiche enregistrée." in toasts(at)


def test_an_indicator_value_saved_shows_in_the_table_and_the_form_starts_blank(demo_store):
    indicator_id, _ = indicators.save_indicator(demo_store, COORD, {
        "name": "Taux", "mission_code": "socle_1", "kind": "resultat", "period": "month",
        "direction": "higher", "aggregation": "mean"})
    at = open_page(logged_in("demo.coordination"), "indicator", id=indicator_id)
    widget(at.text_input, "Valeur").input("2,5")
    widget(at.text_input, "Commentaire").input("Relevé du mois")
    widget(at.button, "Enregistrer la valeur").click().run()
    period = indicators.period_label(indicators.period_start(date.today(), "month"), "month")
    assert f"Valeur enregistrée pour {period}." in toasts(at)
    assert widget(at.text_input, "Valeur").value == ""
    assert widget(at.text_input, "Commentaire").value == ""
    shown = at.dataframe[0].value.set_index("Période")
    assert shown.loc[period, "Valeur"] == "2,5"
    assert shown.loc[period, "Commentaire"] == "Relevé du mois"


def test_a_new_account_is_listed_at_once_with_its_password_shown_once(demo_store):
    at = open_page(logged_in("demo.admin"), "users")
    widget(at.text_input, "Nom et prénom").input("Anne Petit")
    widget(at.text_input, "Adresse e-mail").input("anne.petit@example.org")
    widget(at.text_input, "Identifiant").input("anne.petit")
    widget(at.multiselect, "Rôles").select("coordinator")
    widget(at.button, "Créer le compte").click().run()
    assert "anne.petit" in at.dataframe[0].value["Identifiant"].tolist()
    assert "Compte anne.petit créé." in toasts(at)
    assert login.verify_login(demo_store, "anne.petit", at.code[0].value, 4).ok
    assert widget(at.text_input, "Identifiant").value == ""  # the form starts blank
    at.run()
    assert not at.code


def test_an_account_is_linked_to_the_card_its_search_finds(demo_store):
    target, _ = persons.save_person(demo_store, COORD, {"last_name": "Zéphyrin",
                                                        "first_name": "Anne"})
    account = demo_store.scalar("SELECT id FROM users WHERE username = 'demo.bureau'")
    at = open_page(logged_in("demo.admin"), "users")
    widget(at.selectbox, "Compte").set_value(account).run()
    widget(at.text_input, "Fiche de l'annuaire").input("zephyrin").run()
    assert widget(at.selectbox, "Personne trouvée").value == target  # the only one found
    widget(at.button, "Enregistrer").click().run()
    assert "Compte enregistré." in toasts(at)
    assert demo_store.scalar("SELECT person_id FROM users WHERE id = ?", (account,)) == target
    at = open_page(logged_in("demo.admin"), "users")  # another visit shows the link
    widget(at.selectbox, "Compte").set_value(account).run()
    assert widget(at.selectbox, "Personne trouvée").value == target
    assert widget(at.selectbox, "Personne trouvée").format_func(target) == "Zéphyrin Anne"
