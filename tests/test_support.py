"""Support to professionals: newcomers and what the CPTS did for them, training places and
placements (a student named only with consent); the indicators they feed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from helpers import (
    COORD,
    docx_text,
    logged_in,
    meeting,
    open_page,
    person,
    shown_errors,
    texts,
    toasts,
    widget,
)
from portal.core.errors import PermissionDenied, PortalError
from portal.core.roles import MEMBER, Actor
from portal.missions import report, support

TODAY = date.today()
YEAR = (date(2026, 1, 1), date(2027, 1, 1))


def test_a_newcomer_is_a_card_or_a_name_and_settles_on_a_day(store):
    with pytest.raises(PortalError, match="indiquez son nom") as refused:
        support.save_newcomer(store, COORD, {"name": " "})
    assert refused.value.field == "newcomer"
    with pytest.raises(PortalError, match="date d'installation") as refused:
        support.save_newcomer(store, COORD, {"name": "Dr Perrin", "status": "installe"})
    assert refused.value.field == "settled_on"
    with pytest.raises(PermissionDenied):
        support.save_newcomer(store, Actor("m", frozenset({MEMBER})), {"name": "X"})
    named = support.save_newcomer(store, COORD, {"name": "Dr Perrin", "profession_code": "10",
                                                 "expected_on": date(2026, 9, 1)})
    card = support.save_newcomer(store, COORD, {"person_id": person(store, "Martin")})
    assert support.get_newcomer(store, card)["who"] == "A Martin"
    assert support.get_newcomer(store, card)["profession"] == "Infirmier"
    with pytest.raises(PortalError, match="une fois faite"):
        support.add_step(store, COORD, named, TODAY + timedelta(days=1), "visite", "")
    support.add_step(store, COORD, named, date(2026, 3, 2), "visite", "Tour des MSP")
    support.add_step(store, COORD, named, date(2026, 4, 2), "locaux", "")
    support.save_newcomer(store, COORD, {"name": "Dr Perrin", "status": "installe",
                                         "settled_on": date(2026, 5, 4)}, named)
    assert support.installations_supported(store, {}, *YEAR) == 1
    assert support.installations_completed(store, {}, *YEAR) == 1
    assert support.newcomers(store, "installe")["who"].tolist() == ["Dr Perrin"]


def test_a_student_is_named_only_with_consent_and_a_placement_ends_after_it_starts(store):
    supervisor = person(store, "Martin", profession="10")
    with pytest.raises(PortalError, match="qu'avec son accord") as refused:
        support.add_placement(store, COORD, supervisor, "interne", date(2026, 5, 2),
                              date(2026, 10, 31), student_name="Léo Garnier")
    assert refused.value.field == "student_name"
    with pytest.raises(PortalError, match="suit son début"):
        support.add_placement(store, COORD, supervisor, "interne", date(2026, 5, 2),
                              date(2026, 5, 1))
    support.add_placement(store, COORD, supervisor, "interne", date(2025, 11, 2),
                          date(2026, 4, 30), "Faculté de Tours")
    support.add_placement(store, COORD, supervisor, "externe", date(2026, 5, 2),
                          date(2026, 6, 30), student_name="Léo Garnier", consent=True)
    hosted = support.placements(store, 2026)
    assert hosted["student_name"].tolist() == [None, "Léo Garnier"]
    assert support.placements_hosted(store, {}, *YEAR) == 2
    assert support.placements_hosted(store, {}, date(2026, 7, 1), date(2026, 8, 1)) == 0
    with pytest.raises(PortalError, match="Au moins une place"):
        support.offer_places(store, COORD, supervisor, 2026, "interne", 0)
    support.offer_places(store, COORD, supervisor, 2026, "interne", 2)
    support.offer_places(store, COORD, supervisor, 2026, "interne", 3)  # replaces
    support.offer_places(store, COORD, supervisor, 2026, "externe", 1)
    assert support.places_offered(store, {}, *YEAR) == 4


def test_the_coordination_notes_a_step_and_a_member_reads_without_editing(demo_store):
    at = open_page(logged_in("demo.coordination"), "support")
    assert not at.exception
    assert "Dr Amandine Perrin" in set(next(t for t in at.dataframe
                                            if "Démarches" in t.value.columns).value[
        "Professionnel"])
    listed = support.newcomers(demo_store)
    row = listed.index[listed["who"] == "Dr Amandine Perrin"][0]
    at.session_state["newcomers"] = {"selection": {"rows": [int(row)], "columns": []}}
    at.run()
    widget(at.text_input, "Précisions").set_value("Présentation au bureau de la CPTS")
    widget(at.button, "Noter la démarche").click().run()
    assert toasts(at) == ["Démarche notée."]
    steps = support.steps(demo_store, int(listed["id"][row]))
    assert steps["text"].iloc[0] == "Présentation au bureau de la CPTS"
    member = open_page(logged_in("demo.membre"), "support")
    assert not member.exception
    assert "Stages accueillis en" in texts(member)
    hosted = next(t for t in member.dataframe if "Étudiant" in t.value.columns).value
    assert set(hosted["Étudiant"]) == {"(non nommé)"}  # a consented name is the board's
    assert not member.get("download_button")
    member.session_state["newcomers"] = {"selection": {"rows": [0], "columns": []}}
    member.run()
    assert support.newcomers(demo_store)["who"].iloc[0] == "Dr Amandine Perrin"
    assert "Rencontre avec l'équipe" not in texts(member)  # her steps are the board's
    assert not [t for t in member.text_input if t.label == "Précisions"]
    assert not [e for e in member.expander if e.label in ("Nouvel installé", "Nouveau stage")]


def test_a_placement_with_a_name_but_no_consent_is_refused_on_the_page(demo_store):
    at = open_page(logged_in("demo.coordination"), "support")
    next(t for t in at.text_input if (t.key or "").startswith("placement_supervisor")).set_value(
        "Bernard").run()
    found = next(s for s in at.selectbox if (s.key or "").startswith("placement_supervisor"))
    found.set_value(demo_store.scalar("SELECT id FROM people WHERE last_name = 'Bernard'"
                                      " ORDER BY id LIMIT 1")).run()
    widget(at.text_input, "Nom de l'étudiant (facultatif)").set_value("Zoé Petit")
    widget(at.button, "Enregistrer le stage").click().run()
    assert any("qu'avec son accord" in e for e in shown_errors(at))
    assert "Zoé Petit" not in set(support.placements(demo_store, TODAY.year)["student_name"])


def test_the_yearly_report_holds_the_newcomers_and_placements(demo_store):
    text = docx_text(report.docx(report.gather(demo_store, TODAY.year)))
    assert "Nouveaux installés et stages" in text
    figures = support.year_figures(demo_store, TODAY.year)
    assert f"{figures['placements']} stages accueillis" in text
    assert "Dr Amandine Perrin" in text


def test_a_welcome_evening_is_a_meeting_of_the_support_mission(demo_store):
    at = open_page(logged_in("demo.coordination"), "support")
    assert "Aucune action d'accueil" in texts(at)
    meeting(demo_store, missions=["complementaire_2"], kind="sensibilisation",
            title="Soirée d'accueil des nouveaux installés", day=TODAY.replace(day=1))
    at.run()
    listed = next(t for t in at.dataframe if "Action" in t.value.columns).value
    assert listed["Action"].tolist() == ["Soirée d'accueil des nouveaux installés"]
