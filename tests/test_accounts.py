"""Accounts: passwords, roles, lockout window, cookie revocation, the last admin."""

from __future__ import annotations

import json
from datetime import timedelta

import bcrypt
import jwt
import pytest

from helpers import COORD, person
from portal.accounts import login, passwords, users
from portal.core.db import set_setting
from portal.core.errors import PermissionDenied, PortalError
from portal.core.roles import ADMIN, BUREAU, COORDINATOR, MEMBER, Actor
from portal.core.transactions import now
from portal.directory import persons
from portal.ui import session

ROUNDS = 4
GOOD = "riviere-pont-canal-2026"
KEY = "a-test-cookie-key-of-32-characters!"
ADMIN_ACTOR = Actor("marie.martin", frozenset({ADMIN}))


@pytest.fixture
def admin(store):
    user_id = users.create_first_admin(store, "Marie.Martin", "Marie Martin",
                                       "marie.martin@example.org", GOOD, GOOD, ROUNDS)
    return user_id


def make_user(store, username="paul.bernard", codes=(BUREAU,), password=GOOD):
    user_id, _ = users.create_user(store, ADMIN_ACTOR, username, "Paul Bernard",
                                   f"{username}@example.org", codes, ROUNDS, password=password)
    return user_id


# -- passwords ------------------------------------------------------------------------

@pytest.mark.parametrize("password, message", [
    ("court-2026", "au moins 12"),
    ("x" * 65, "trop long"),
    ("é" * 40, "trop long"),  # 40 characters but 80 bytes: bcrypt takes 72 at most
    (" espace-devant-2026", "espace"),
    ("azertyuiop123", "courants"),
    ("Motdepasse2026!", "courants"),
    ("password1234", "courants"),
    ("abcdefghijkl", "facile à deviner"),
    ("paul.bernard-99", "identifiant"),
])
def test_weak_or_malformed_passwords_are_refused_in_french(password, message):
    with pytest.raises(PortalError, match=message) as error:
        passwords.validate(password, ("paul.bernard", "Paul Bernard", "paul@example.org"))
    assert error.value.field == "password"


def test_a_long_passphrase_is_accepted_and_hashed_with_bcrypt():
    passwords.validate(GOOD, ("paul.bernard",))
    hashed = passwords.hash_password(GOOD, ROUNDS)
    assert hashed.startswith("$2b$04$") and GOOD not in hashed
    assert passwords.check_password(GOOD, hashed)
    assert not passwords.check_password("é" * 80, hashed)  # over 72 bytes: wrong, not a crash


def test_unknown_usernames_cost_one_bcrypt_check_of_the_same_cost():
    """Timing parity: the dummy hash has the configured cost (measured in bench/)."""
    assert passwords.dummy_hash(12).startswith("$2b$12$")
    assert passwords.dummy_hash(ROUNDS).startswith(f"$2b$0{ROUNDS}$")


# -- accounts -------------------------------------------------------------------------

def test_first_admin_is_created_once_and_audited(store, admin):
    user = users.get_user(store, "marie.martin")
    assert user["roles"] == [ADMIN] and not user["must_change_password"]
    assert users.has_admin(store)
    with pytest.raises(PortalError, match="existe déjà"):
        users.create_first_admin(store, "autre", "Autre", "autre@example.org", GOOD, GOOD, ROUNDS)
    actions = [r["action"] for r in store.query(
        "SELECT action FROM audit_log WHERE entity = 'user' ORDER BY id")]
    assert actions == ["create", "roles"]


@pytest.mark.parametrize("field, values", [
    ("username", ("x", "Nom", "n@example.org")),
    ("username", ("marie martin", "Nom", "n@example.org")),
    ("name", ("nom.ok", "  ", "n@example.org")),
    ("email", ("nom.ok", "Nom", "pas-une-adresse")),
])
def test_identity_errors_name_their_field(store, field, values):
    with pytest.raises(PortalError) as error:
        users.create_first_admin(store, *values, GOOD, GOOD, ROUNDS)
    assert error.value.field == field


def test_password_confirmation_must_match(store):
    with pytest.raises(PortalError) as error:
        users.create_first_admin(store, "nom.ok", "Nom", "n@example.org", GOOD, GOOD + "x", ROUNDS)
    assert error.value.field == "confirm"
    assert store.scalar("SELECT COUNT(*) FROM users") == 0


def test_only_an_admin_creates_accounts_and_their_password_is_temporary(store, admin):
    with pytest.raises(PermissionDenied):
        users.create_user(store, Actor("x", frozenset({BUREAU, COORDINATOR})), "y.z", "Y",
                          "y@example.org", [MEMBER], ROUNDS)
    _, temporary = users.create_user(store, ADMIN_ACTOR, "julie.lefevre", "Julie Lefèvre",
                                     "julie@example.org", [COORDINATOR, MEMBER], ROUNDS)
    user = users.get_user(store, "julie.lefevre")
    assert user["must_change_password"] == 1
    assert user["roles"] == [COORDINATOR, MEMBER]
    assert len(temporary) == 19 and login.verify_login(store, "julie.lefevre", temporary,
                                                       ROUNDS).ok
    with pytest.raises(PortalError, match="déjà pris"):
        users.create_user(store, ADMIN_ACTOR, "JULIE.LEFEVRE", "J", "j@example.org", [MEMBER],
                          ROUNDS)


def test_an_account_needs_a_role(store, admin):
    with pytest.raises(PortalError) as error:
        users.create_user(store, ADMIN_ACTOR, "a.b", "A B", "a@example.org", [], ROUNDS)
    assert error.value.field == "roles"


def test_the_last_active_admin_keeps_the_role_and_the_account(store, admin):
    with pytest.raises(PortalError, match="au moins un administrateur"):
        users.set_roles(store, ADMIN_ACTOR, admin, [MEMBER])
    other = make_user(store, "second.admin", (ADMIN,))
    with pytest.raises(PortalError, match="propre compte"):
        users.set_active(store, ADMIN_ACTOR, admin, False)
    users.set_active(store, ADMIN_ACTOR, other, False)
    with pytest.raises(PortalError, match="au moins un administrateur"):
        users.set_roles(store, ADMIN_ACTOR, admin, [MEMBER])
    users.set_active(store, ADMIN_ACTOR, other, True)
    users.set_roles(store, ADMIN_ACTOR, admin, [MEMBER, BUREAU])
    assert users.get_user(store, "marie.martin")["roles"] == [BUREAU, MEMBER]
    audit = store.query("SELECT before, after FROM audit_log WHERE action = 'roles'"
                        " ORDER BY id DESC LIMIT 1")[0]
    assert json.loads(audit["before"]) == {"roles": [ADMIN]}


# -- login and lockout ----------------------------------------------------------------

def outcomes(store, username):
    return [r["outcome"] for r in store.query(
        "SELECT outcome FROM login_attempts WHERE username = ? ORDER BY id", (username,))]


def test_every_attempt_is_logged_and_never_with_the_password(store, admin):
    assert login.verify_login(store, "Marie.Martin ", GOOD, ROUNDS).ok
    assert not login.verify_login(store, "marie.martin", "wrong-password-1", ROUNDS).ok
    assert not login.verify_login(store, "nobody", GOOD, ROUNDS).ok
    assert outcomes(store, "marie.martin") == ["success", "failure"]
    assert outcomes(store, "no… (6 caractères)") == ["unknown"]
    # A password typed in the identifier field is not kept in clear for the admins.
    assert not login.verify_login(store, "lanterne-verger-boussole", "x", ROUNDS).ok
    assert outcomes(store, "la… (24 caractères)") == ["unknown"]
    dump = "".join(str(r) for r in store.query("SELECT * FROM login_attempts"))
    assert "lanterne" not in dump
    dump += "".join(str(r) for r in store.query("SELECT * FROM audit_log"))
    assert GOOD not in dump and "wrong-password-1" not in dump
    assert users.get_user(store, "marie.martin")["last_login_at"]


def test_five_failures_in_fifteen_minutes_lock_for_fifteen_minutes(store, admin):
    t0 = now()
    for minute in range(5):
        result = login.verify_login(store, "marie.martin", "bad", ROUNDS,
                                    at=t0 + timedelta(minutes=minute * 3))
        assert result.outcome == "failure"
    locked_at = t0 + timedelta(minutes=12)
    assert login.is_locked(store, "marie.martin", locked_at + timedelta(seconds=1))
    # The right password does not open a locked account...
    assert login.verify_login(store, "marie.martin", GOOD, ROUNDS,
                              at=locked_at + timedelta(minutes=14)).outcome == "locked"
    # ...until 15 minutes have passed, by itself.
    assert login.verify_login(store, "marie.martin", GOOD, ROUNDS,
                              at=locked_at + timedelta(minutes=15, seconds=1)).ok
    assert "lock" in [r["action"] for r in store.query("SELECT action FROM audit_log")]


def test_failures_spread_over_more_than_fifteen_minutes_do_not_lock(store, admin):
    t0 = now()
    for minute in range(0, 40, 4):  # 10 failures, 4 minutes apart: at most 4 in any window
        login.verify_login(store, "marie.martin", "bad", ROUNDS, at=t0 + timedelta(minutes=minute))
    assert not login.is_locked(store, "marie.martin", t0 + timedelta(minutes=37))


def test_failures_before_a_success_or_an_expired_lock_do_not_count(store, admin):
    t0 = now()
    for i in range(4):
        login.verify_login(store, "marie.martin", "bad", ROUNDS, at=t0 + timedelta(seconds=i))
    login.verify_login(store, "marie.martin", GOOD, ROUNDS, at=t0 + timedelta(seconds=5))
    login.verify_login(store, "marie.martin", "bad", ROUNDS, at=t0 + timedelta(seconds=6))
    assert not login.is_locked(store, "marie.martin", t0 + timedelta(seconds=7))


def test_an_admin_unlocks_at_once(store, admin):
    user_id = make_user(store)
    t0 = now() - timedelta(minutes=1)
    for i in range(5):
        login.verify_login(store, "paul.bernard", "bad", ROUNDS, at=t0 + timedelta(seconds=i))
    assert login.is_locked(store, "paul.bernard")
    login.unlock(store, ADMIN_ACTOR, user_id)
    assert not login.is_locked(store, "paul.bernard")
    assert login.verify_login(store, "paul.bernard", "bad", ROUNDS).outcome == "failure"
    assert not login.is_locked(store, "paul.bernard")  # earlier failures no longer count
    assert outcomes(store, "paul.bernard")[-2:] == ["unlock", "failure"]


def test_unknown_users_cannot_be_locked_and_inactive_ones_cannot_log_in(store, admin):
    for _ in range(6):
        assert login.verify_login(store, "ghost", "bad", ROUNDS).outcome == "unknown"
    user_id = make_user(store)
    users.set_active(store, ADMIN_ACTOR, user_id, False)
    assert login.verify_login(store, "paul.bernard", GOOD, ROUNDS).outcome == "inactive"
    assert "paul.bernard" not in login.credentials(store)["usernames"]


# -- revocation -----------------------------------------------------------------------

def issued(seconds_ago: float) -> float:
    return now().timestamp() - seconds_ago


def test_logout_revokes_every_cookie_issued_before(store, admin):
    cookie = issued(10)
    assert login.token_valid(store, "marie.martin", cookie)
    login.revoke_tokens(store, ADMIN_ACTOR)
    assert not login.token_valid(store, "marie.martin", cookie)
    assert login.token_valid(store, "marie.martin", issued(-1))  # a new login works


def test_a_cookie_carries_its_issue_time_so_a_shorter_lifetime_revives_nothing(store, admin):
    """Logged in with 30-day cookies, logged out, restarted with 1-day cookies: the
    replayed cookie was issued before the logout, whatever the lifetime is now."""
    logged_in = issued(3600)
    raw = session.encode_cookie("marie.martin", logged_in + 30 * 86400, KEY, logged_in)
    login.revoke_tokens(store, ADMIN_ACTOR)
    token = session.decode_cookie(raw, KEY)
    assert token["issued_at"] == pytest.approx(logged_in)
    assert not login.token_valid(store, "marie.martin", token["issued_at"])
    fresh = session.decode_cookie(session.encode_cookie("marie.martin", issued(-60), KEY), KEY)
    assert login.token_valid(store, "marie.martin", fresh["issued_at"])


def test_a_cookie_without_issue_time_or_forged_is_refused():
    undated = jwt.encode({"username": "marie.martin", "exp_date": issued(-86400)}, KEY,
                         algorithm="HS256")
    assert session.decode_cookie(undated, KEY) is None
    forged = session.encode_cookie("marie.martin", issued(-86400), KEY.upper())
    assert session.decode_cookie(forged, KEY) is None
    expired = session.encode_cookie("marie.martin", issued(1), KEY, issued(86400))
    assert session.decode_cookie(expired, KEY) is None
    assert session.decode_cookie(None, KEY) is None


def test_password_change_revokes_cookies_and_needs_the_current_password(store, admin):
    cookie = issued(10)
    new = "lanterne-verger-boussole-7"
    with pytest.raises(PortalError) as error:
        users.change_password(store, ADMIN_ACTOR, "not-it", new, new, ROUNDS)
    assert error.value.field == "current"
    with pytest.raises(PortalError) as error:
        users.change_password(store, ADMIN_ACTOR, GOOD, new, new + "!", ROUNDS)
    assert error.value.field == "confirm"
    revoked_at = users.change_password(store, ADMIN_ACTOR, GOOD, new, new, ROUNDS)
    assert not login.token_valid(store, "marie.martin", cookie)
    assert login.token_valid(store, "marie.martin", revoked_at)
    assert login.verify_login(store, "marie.martin", new, ROUNDS).ok
    assert not login.verify_login(store, "marie.martin", GOOD, ROUNDS).ok


def test_deactivation_and_reset_revoke_cookies_and_reset_is_temporary(store, admin):
    user_id = make_user(store)
    cookie = issued(10)
    temporary = users.reset_password(store, ADMIN_ACTOR, user_id, ROUNDS)
    assert not login.token_valid(store, "paul.bernard", cookie)
    assert users.get_user(store, "paul.bernard")["must_change_password"] == 1
    assert bcrypt.checkpw(temporary.encode(),
                          users.get_user(store, "paul.bernard")["password_hash"].encode())
    cookie = issued(0)
    users.set_active(store, ADMIN_ACTOR, user_id, False)
    assert not login.token_valid(store, "paul.bernard", cookie)
    assert not login.token_valid(store, "paul.bernard", issued(-60))  # inactive: nothing works
    users.set_active(store, ADMIN_ACTOR, user_id, True)
    assert login.token_valid(store, "paul.bernard", issued(-60))


def test_an_account_is_linked_to_one_directory_record_and_follows_a_merge(store, admin):
    paul, julie = make_user(store), make_user(store, "julie.lefevre", (MEMBER,))
    record, twin, other = (person(store, name) for name in ("Bernard", "Bernard", "Lefèvre"))
    with pytest.raises(PermissionDenied):
        users.link_person(store, Actor("c", frozenset({COORDINATOR})), paul, record)
    users.link_person(store, ADMIN_ACTOR, paul, twin)
    with pytest.raises(PortalError, match="déjà reliée au compte paul.bernard") as error:
        users.link_person(store, ADMIN_ACTOR, julie, twin)
    assert error.value.field == "person_id"
    users.link_person(store, ADMIN_ACTOR, julie, other)
    persons.merge_people(store, COORD, record, twin)  # the account follows the kept record
    assert users.get_user(store, "paul.bernard")["person_id"] == record
    persons.merge_people(store, COORD, record, other)  # taken: Julie's link is let go
    assert users.get_user(store, "julie.lefevre")["person_id"] is None
    assert users.get_user(store, "julie.lefevre")["active"] == 1
    users.link_person(store, ADMIN_ACTOR, paul, None)
    assert store.scalar("SELECT COUNT(*) FROM audit_log WHERE entity = 'user'"
                        " AND action = 'person'") == 3


def test_the_account_form_saves_all_or_nothing(store):
    admin = users.create_first_admin(store, "seule.admin", "Seule Admin", "a@example.org",
                                     "riviere-pont-canal-2026", "riviere-pont-canal-2026", 4)
    with pytest.raises(PortalError, match="au moins un administrateur actif"):
        users.save_account(store, ADMIN_ACTOR, admin, "Nouveau Nom", "a@example.org",
                           [MEMBER], None)
    assert users.get_user(store, "seule.admin")["name"] == "Seule Admin"  # not half-saved
    users.save_account(store, ADMIN_ACTOR, admin, "Nouveau Nom", "a@example.org",
                       [ADMIN, BUREAU], None)
    assert users.get_user(store, "seule.admin")["name"] == "Nouveau Nom"


def test_parallel_wrong_passwords_lock_once_and_no_right_password_gets_in_after(store, admin):
    """30 browsers guessing at once: each attempt is decided and counted in turn, after its
    password check, so at most five count as failures before the lock, and a right
    password sent in the same burst after the lock is refused (issue 14, point 2)."""
    from concurrent.futures import ThreadPoolExecutor

    def attempt(password):
        return login.verify_login(store, "marie.martin", password, 10).outcome

    with ThreadPoolExecutor(30) as pool:
        wrong = list(pool.map(attempt, ["mauvais-mot-de-passe"] * 30))
        right = list(pool.map(attempt, [GOOD] * 8))
    assert wrong.count("failure") == login.LOCK_AFTER_FAILURES
    assert wrong.count("locked") == 30 - login.LOCK_AFTER_FAILURES
    assert right == ["locked"] * 8
    assert store.scalar("SELECT COUNT(*) FROM login_attempts WHERE outcome = 'failure'") == 5


@pytest.mark.parametrize("password", ["demo-cpts-gien-2026", "Portail-CPTS-2026",
                                      "MotDePasseCPTS1", "Martin2026Claire!",
                                      "Giennois-Berry-2026"])
def test_passwords_made_of_the_portal_the_cpts_or_the_user_are_refused(store, password):
    """Issue 14, point 14, for Claire Martin of the CPTS Giennois-Berry."""
    with store.write(ADMIN_ACTOR) as tx:
        set_setting(tx, "cpts_name", "CPTS Giennois-Berry")
    with pytest.raises(PortalError) as error:
        users.create_first_admin(store, "claire.martin", "Claire Martin", "c@example.org",
                                 password, password, ROUNDS)
    assert error.value.field == "password"
    users.create_first_admin(store, "claire.martin", "Claire Martin", "c@example.org",
                             "lanterne-verger-boussole-7", "lanterne-verger-boussole-7", ROUNDS)
