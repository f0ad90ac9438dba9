"""The demo's two consultations of the territory's professionals, a year apart, with
the sheets typed from paper or received by mail."""

from __future__ import annotations

import random
from datetime import date, timedelta

from ...core.db import Store
from ...core.roles import Actor
from ...questionnaires import campaigns, responses
from .directory import Cast

# The two consultations of the demo: (title, days ago received, share of the directory
# that answered, chance of a Oui per question, closed).
CAMPAIGNS = (
    ("Consultation de préfiguration", 420, 0.35, (0.3, 0.5, 0.45, 0.35, 0.4, 0.25), True),
    ("Consultation des professionnels 2026", 20, 0.45, (0.55, 0.6, 0.5, 0.55, 0.6, 0.35),
     False),
)
COMMENTS = ("Intéressé par un groupe sur les plaies chroniques.",
            "Disponible plutôt en fin de journée.",
            "Souhaite un annuaire partagé des kinés et des infirmiers.")



def load(store: Store, actor: Actor, cast: Cast, territory: str) -> None:
    """Two campaigns, so results and the comparison have something to show; a few sheets
    leave a question blank, the older campaign is closed."""
    rng = random.Random(2025)
    people = [p["id"] for p in cast.people]
    for title, days, share, chances, closed in CAMPAIGNS:
        campaign_id, _ = campaigns.save_campaign(store, actor, {
            "title": title, "territory": territory,
            "return_by": date.today() - timedelta(days=days - 30),
            "return_address": "CPTS du Giennois, 1 place de la Victoire, 45500 Gien"})
        questions = campaigns.questions(store, campaign_id)
        for person_id in rng.sample(people, int(len(people) * share)):
            answers = {}
            for question, chance in zip(questions, chances):
                if rng.random() < 0.95:  # one sheet in twenty leaves a question blank
                    answers[question["id"]] = "oui" if rng.random() < chance else rng.choice(
                        campaigns.choices(question)[1:])
            if rng.random() < 0.1:
                answers[questions[-1]["id"]] = rng.choice(COMMENTS)
            responses.save_response(
                store, actor, campaign_id, answers, person_id=person_id,
                received_on=date.today() - timedelta(days=days - rng.randrange(20)),
                channel=rng.choice(("papier", "papier", "courriel")))
        if closed:
            campaigns.set_closed(store, actor, campaign_id, True)
