"""Pages through AppTest, logged in through the app's own login form."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from helpers import APP, PAGES, log_in, logged_in, open_page, shown_errors, texts, widget
from portal.accounts import login, users
from portal.admin import backups, demo
from portal.care import doctor_requests
from portal.core import audit, network
from portal.core.db import Store
from portal.core.errors import Busy
from portal.core.roles import ADMIN, BUREAU, CLI, COORDINATOR, MEMBER, TREASURER, Actor
from portal.ui import navigation

GOOD = "riviere-pont-canal-2026"
ROLE_USERS = {ADMIN: "demo.admin", BUREAU: "demo.bureau", COORDINATOR: "demo.coordination",
              MEMBER: "demo.membre", TREASURER: "demo.bureau2"}


@pytest.fixture
def app(store, clear_streamlit_caches):
    at = AppTest.from_file(APP, default_timeout=20)
    return at.run()


def fill_first_admin(at: AppTest, email: str) -> AppTest:
    widget(at.text_input, "Nom et prénom").input("Marie Martin")
    widget(at.text_input, "Adresse e-mail").input(email)
    widget(at.text_input, "Identifiant").input("marie.martin")
    widget(at.text_input, "Mot de passe").input(GOOD)
    widget(at.text_input, "Confirmez le mot de passe").input(GOOD)
    widget(at.button, "Créer l'administrateur").click()
    return at.run()


def test_the_portal_refuses_to_start_without_a_cookie_key(env, clear_streamlit_caches):
    env.secrets_path.unlink()
    at = AppTest.from_file(APP, default_timeout=20).run()
    assert "refuse de démarrer sans clé secrète" in shown_errors(at)[0]
    assert not at.text_input


def test_a_foreign_database_file_stops_the_portal_untouched(env, clear_streamlit_caches):
    env.db_path.parent.mkdir(parents=True, exist_ok=True)
    env.db_path.write_bytes(b"PK\x03\x04 un classeur, pas une base")
    at = AppTest.from_file(APP, default_timeout=20).run()
    assert "n'est pas une base de données SQLite" in shown_errors(at)[0]
    assert not at.text_input
    assert env.db_path.read_bytes() == b"PK\x03\x04 un classeur, pas une base"


def test_start_up_migrates_and_makes_the_daily_backup(app, env):
    assert Store(env.db_path).schema_version() > 0
    assert len(backups.list_backups(env.backup_dir)) == 1


def test_first_run_creates_the_admin_then_vanishes_for_good(app, env):
    assert app.title[0].value == "Bienvenue sur le Portail CPTS"
    assert not [b for b in app.button if b.label == "Se connecter"]
    fill_first_admin(app, "marie.martin@example.org")
    assert users.has_admin(Store(env.db_path))
    app.run()  # AppTest does not follow the page's st.rerun() by itself
    assert "Bienvenue sur le Portail CPTS" not in texts(app)
    assert widget(app.button, "Se connecter")
    with pytest.raises(ValueError):
        app.switch_page(navigation.path("first_run")).run()
    assert "Bonjour Marie Martin" in texts(log_in(app, "marie.martin", GOOD))


def test_first_run_errors_show_next_to_their_field_and_save_nothing(app, env):
    fill_first_admin(app, "pas-une-adresse")
    assert shown_errors(app) == [
        "Adresse e-mail invalide : « pas-une-adresse » (ex. : nom@exemple.fr)."]
    assert widget(app.text_input, "Identifiant").value == "marie.martin"  # nothing typed is lost
    assert not users.has_admin(Store(env.db_path))


def test_from_the_network_the_first_admin_needs_the_console_code(on_the_network, app, env,
                                                                 capfd):
    network.setup_code.cache_clear()  # a new process
    app.run()
    code = network.setup_code()
    assert f"code de premier lancement {code}" in capfd.readouterr().err
    fill_first_admin(app, "marie.martin@example.org")  # no code typed
    assert shown_errors(app) == [network.CODE_REFUSED]
    assert not users.has_admin(Store(env.db_path))
    widget(app.text_input, "Code de premier lancement").input("ABCD-EFGH-JKMN")
    fill_first_admin(app, "marie.martin@example.org")
    assert shown_errors(app) == [network.CODE_REFUSED]
    widget(app.text_input, "Code de premier lancement").input(code.lower().replace("-", " "))
    fill_first_admin(app, "marie.martin@example.org")
    assert users.has_admin(Store(env.db_path))


def test_from_the_network_the_demo_does_not_load(on_the_network, app, env):
    assert not [b for b in app.button if b.label == "Charger la CPTS de démonstration"]
    assert "python -m portal demo" in texts(app)
    assert not demo.is_loaded(Store(env.db_path))


def test_local_means_loopback_and_no_proxy_in_between():
    assert network.is_local("localhost", {}) and network.is_local("127.0.0.1", {})
    assert network.is_local("::1", {"Host": "x"})
    for address in (None, "", "0.0.0.0", "192.168.1.20", "portail.local"):
        assert not network.is_local(address, {})
    # Behind Caddy on the same machine: the client is whoever the proxy names.
    assert not network.is_local("127.0.0.1", {"X-Forwarded-For": "192.168.1.31"})


def test_serving_the_network_in_clear_is_the_one_case_warned():
    assert network.in_clear_warning("localhost", None) is None
    assert network.in_clear_warning("127.0.0.1", None) is None  # the proxy does HTTPS
    assert network.in_clear_warning("0.0.0.0", "/etc/cpts.crt") is None  # Streamlit does
    assert "(192.168.1.20)" in network.in_clear_warning("192.168.1.20", None)
    assert "toutes les interfaces" in network.in_clear_warning(None, None)


def test_a_refusal_quoting_what_was_typed_shows_it_literally(app, env):
    fill_first_admin(app, "[a](javascript:alert(1))")
    raw = app.error[0].value  # an error box renders markdown
    assert "« \\[a\\]\\(javascript\\:\u2060alert\\(1\\)\\) »" in raw and "[a](" not in raw
    assert shown_errors(app)[0].startswith("Adresse e-mail invalide : « [a](javascript")


def test_first_run_loads_the_demo_and_the_login_page_lists_its_accounts(app, env):
    widget(app.button, "Charger la CPTS de démonstration").click()
    app.run().run()  # the click, then the page's st.rerun()
    assert demo.is_loaded(Store(env.db_path))
    page = texts(app)
    assert demo.PASSWORD in page and demo.CPTS_NAME in page
    assert "demo.coordination" in app.table[0].value["Identifiant"].tolist()


def test_a_login_while_writes_are_paused_says_so_not_wrong_password(demo_store):
    demo_store.pause_writes(CLI)  # as a restore does
    at = logged_in("demo.admin", demo.PASSWORD)
    assert [w.value for w in at.warning] == [Busy.RESTORING] and not at.error
    demo_store.resume_writes(CLI)
    assert "Bonjour" in texts(log_in(at, "demo.admin", demo.PASSWORD))


def test_a_failed_login_says_the_same_for_unknown_user_and_wrong_password(demo_store):
    unknown = logged_in("nobody", demo.PASSWORD)
    wrong = logged_in("demo.admin", "not-the-password")
    assert [e.value for e in unknown.error] == [e.value for e in wrong.error]
    assert "incorrect" in unknown.error[0].value
    assert not unknown.session_state["authentication_status"]


@pytest.mark.parametrize("role", [ADMIN, BUREAU, COORDINATOR, MEMBER, TREASURER])
def test_each_role_sees_exactly_its_pages(demo_store, role):
    at = logged_in(ROLE_USERS[role])
    assert at.session_state["authentication_status"]
    roles = set(users.get_user(demo_store, ROLE_USERS[role])["roles"])
    for entry in navigation.PAGES:
        if navigation.allowed(entry, roles):
            at.switch_page(navigation.path(entry.key)).run()
            assert not at.exception, (entry.key, at.exception)
            assert entry.title in texts(at) or entry.key == "home"
        else:
            with pytest.raises(ValueError):
                at.switch_page(navigation.path(entry.key)).run()


@pytest.mark.parametrize("key", [p.key for p in navigation.PAGES if p.roles == {ADMIN}])
def test_an_admin_page_refuses_a_member_by_itself(env, clear_streamlit_caches, key):
    at = AppTest.from_file(str(PAGES / f"{key}.py"), default_timeout=20)
    at.session_state["actor"] = Actor("someone", frozenset({MEMBER, BUREAU, COORDINATOR}))
    at.run()
    assert shown_errors(at) == [
        "Accès refusé : cette page n'est pas ouverte à votre rôle."]
    assert not at.dataframe


def test_a_temporary_password_opens_only_my_account_until_changed(demo_store):
    admin = Actor("demo.admin", frozenset({ADMIN}))
    _, temporary = users.create_user(demo_store, admin, "new.user", "Nouvel Utilisateur",
                                     "new@example.org", [MEMBER], 4)
    at = logged_in("new.user", temporary)
    assert "Votre mot de passe est temporaire" in texts(at)
    with pytest.raises(ValueError):
        at.switch_page(navigation.path("home")).run()
    widget(at.text_input, "Mot de passe actuel").input(temporary)
    widget(at.text_input, "Nouveau mot de passe").input(GOOD)
    widget(at.text_input, "Confirmez le nouveau mot de passe").input(GOOD)
    widget(at.button, "Changer le mot de passe").click()
    at.run()
    assert "Mot de passe changé" in texts(at)
    widget(at.button, "Accéder au portail").click()
    at.run()
    at.switch_page(navigation.path("home")).run()
    assert "Bonjour Nouvel Utilisateur" in texts(at)


def test_admin_creates_an_account_and_sees_its_temporary_password_once(demo_store):
    at = logged_in("demo.admin")
    at.switch_page(navigation.path("users")).run()
    widget(at.text_input, "Nom et prénom").input("Anne Petit")
    widget(at.text_input, "Adresse e-mail").input("anne.petit@example.org")
    widget(at.text_input, "Identifiant").input("anne.petit")
    widget(at.multiselect, "Rôles").select(COORDINATOR)
    widget(at.button, "Créer le compte").click()
    at.run()
    assert not at.exception
    temporary = at.code[0].value
    assert login.verify_login(demo_store, "anne.petit", temporary, 4).ok
    at.run()
    assert not at.code  # shown once


def test_the_journal_filters_by_entity_and_exports_csv(demo_store):
    at = logged_in("demo.admin")
    at.switch_page(navigation.path("audit_log")).run()
    widget(at.selectbox, "Élément").select("app_setting")
    at.run()
    shown = at.dataframe[0].value
    assert {e.split(" : ")[0] for e in shown["Élément"]} == {"Paramètre du portail"}
    assert len(shown) == demo_store.scalar(
        "SELECT COUNT(*) FROM audit_log WHERE entity = 'app_setting'")
    assert widget(at.get("download_button"), "Exporter en CSV")


def test_user_text_is_shown_literally_not_as_markdown(demo_store):
    admin = Actor("demo.admin", frozenset({ADMIN}))
    user_id = users.get_user(demo_store, "demo.membre")["id"]
    users.update_profile(demo_store, admin, user_id, "**X** [a](javascript:alert(1))",
                         "demo.membre@example.org")
    at = logged_in("demo.membre")
    assert at.title[0].value == "Bonjour \\*\\*X\\*\\* \\[a\\]\\(javascript\\:\u2060alert\\(1\\)\\)"


@pytest.mark.parametrize("page, table", [("missions", "actions"), ("person", "organizations")])
def test_names_in_links_are_shown_literally(demo_store, page, table):
    """A link's label is markdown: an action or a structure named like a link stays text."""
    column = "title" if table == "actions" else "name"
    row = demo_store.query_one(f"SELECT id FROM {table} ORDER BY id LIMIT 1")
    with demo_store.write(Actor("t", frozenset({ADMIN}))) as tx:
        tx.update(table, row["id"], {column: "**Gras** [lien](javascript:alert(1))"})
    params = {} if page == "missions" else {"id": demo_store.scalar(
        "SELECT person_id FROM person_organizations WHERE organization_id = ?", (row["id"],))}
    at = open_page(logged_in("demo.coordination"), page, **params)
    labels = [link.proto.label for link in at.get("page_link")]
    assert any("\\*\\*Gras\\*\\* \\[lien\\]\\(javascript\\:\u2060alert\\(1\\)\\)" in label
               for label in labels)
    assert not any("**Gras**" in label for label in labels)


def test_a_session_revoked_elsewhere_is_closed_on_the_next_click(demo_store):
    at = logged_in("demo.coordination")
    assert at.session_state["authentication_status"]
    login.revoke_tokens(demo_store, Actor("demo.coordination", frozenset()))  # logout elsewhere
    at.run()
    assert not at.session_state["authentication_status"]
    assert "Votre session a été fermée" in texts(at)


def test_deactivation_needs_confirmation_then_closes_the_account(demo_store):
    at = logged_in("demo.admin")
    at.switch_page(navigation.path("users")).run()
    target = users.get_user(demo_store, "demo.membre3")
    widget(at.selectbox, "Compte").select(target["id"])
    at.run()
    widget(at.button, "Désactiver").click()
    at.run()
    assert "Cochez la case pour confirmer." in shown_errors(at)
    assert users.get_user(demo_store, "demo.membre3")["active"] == 1
    widget(at.checkbox, "Je confirme").check()
    widget(at.button, "Désactiver").click()
    at.run()
    assert not at.exception
    assert users.get_user(demo_store, "demo.membre3")["active"] == 0
    assert not logged_in("demo.membre3").session_state["authentication_status"]


def test_the_admin_reads_who_viewed_a_patient_request(demo_store):
    coordination = Actor("demo.coordination", frozenset({COORDINATOR}))
    listed = doctor_requests.queue(demo_store, coordination)["id"].tolist()
    opened = listed[1]
    doctor_requests.get_request(demo_store, coordination, opened)
    at = logged_in("demo.admin")
    at.switch_page(navigation.path("audit_log")).run()
    at.segmented_control(key="journal").set_value("access_log").run()
    assert not at.exception
    widget(at.text_input, "N° de l'élément").input(str(opened)).run()
    shown = at.dataframe[0].value
    request, listing = sorted(shown["Élément"])
    assert request == f"Demande de médecin traitant : n° {opened}"
    assert listing.startswith("File d'attente médecin traitant (liste) : demandes n° ")
    assert str(opened) in listing.split(": demandes n° ")[1].split(", ")
    assert set(shown["Par"]) == {"demo.coordination"}
    widget(at.text_input, "N° de l'élément").input("9999").run()
    assert "Rien dans ce journal pour ces filtres." in texts(at)


def test_every_page_opens_on_an_empty_portal(store, clear_streamlit_caches):
    """A CPTS that has just installed the portal: no territory, no directory, no data.
    Each page says what to do instead of failing."""
    users.create_first_admin(store, "first.admin", "Première Admin", "a@example.org",
                             "riviere-pont-canal-2026", "riviere-pont-canal-2026", 4)
    at = logged_in("first.admin", "riviere-pont-canal-2026")
    shown = []
    for entry in navigation.PAGES:
        at.switch_page(navigation.path(entry.key)).run()
        assert not at.exception, (entry.key, at.exception)
        assert not at.error, (entry.key, shown_errors(at))
        shown.append(texts(at))
    assert all(shown), "a page showed nothing"


def test_the_journal_names_every_entity_and_action_of_the_demo_in_french(demo_store):
    actions = {r["action"] for r in demo_store.query("SELECT DISTINCT action FROM audit_log")}
    entities = set(audit.entities(demo_store)) | set(audit.entities(demo_store, "access_log"))
    assert actions - set(audit.ACTIONS) == set()
    assert entities - set(audit.ENTITIES) == set()


def test_a_session_idle_for_half_an_hour_asks_to_log_in_again(demo_store):
    """Issue 14, point 10: an open tab on a shared desk does not stay logged in."""
    import time

    at = logged_in("demo.coordination")
    at.session_state["seen_at"] = time.time() - 29 * 60
    at.run()
    assert at.session_state["authentication_status"]  # 29 minutes: still in
    at.session_state["seen_at"] = time.time() - 31 * 60
    at.run()
    assert not at.session_state["authentication_status"]
    assert "Votre session a expiré : aucune action depuis plus de 30 minutes" in texts(at)


def test_a_login_older_than_the_cookie_lifetime_ends(env):
    from portal.ui import session

    config = env  # cookie_expiry_days: 1 by default
    now = 1_000_000_000.0
    assert session.expired(now - 60, now - 3600, config, now) is None
    assert session.expired(None, now - 2 * 86400, config, now) == \
        "la connexion date de plus de 1 jour(s)"
