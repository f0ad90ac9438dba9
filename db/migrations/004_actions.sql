-- Fiches action: what the CPTS does for each mission, laid out like the action fiche.

CREATE TABLE actions (
    id INTEGER PRIMARY KEY,
    number INTEGER NOT NULL UNIQUE,
    title TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'projet'
        CHECK (status IN ('projet', 'en_cours', 'realisee', 'suspendue')),
    progress INTEGER NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    prs_objectives TEXT NOT NULL DEFAULT '',
    context TEXT NOT NULL DEFAULT '',
    objectives TEXT NOT NULL DEFAULT '',
    diagnosis TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    beneficiaries TEXT NOT NULL DEFAULT '',
    territory_covered TEXT NOT NULL DEFAULT '',
    referents_text TEXT NOT NULL DEFAULT '',   -- referents outside the directory
    other_partners TEXT NOT NULL DEFAULT '',
    start_on TEXT,
    end_on TEXT,
    demo INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE action_missions (
    action_id INTEGER NOT NULL REFERENCES actions(id) ON DELETE CASCADE,
    mission_code TEXT NOT NULL REFERENCES missions(code),
    PRIMARY KEY (action_id, mission_code)
);
CREATE INDEX action_missions_mission ON action_missions (mission_code);

CREATE TABLE action_referents (
    action_id INTEGER NOT NULL REFERENCES actions(id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people(id),
    PRIMARY KEY (action_id, person_id)
);

CREATE TABLE action_partners (
    action_id INTEGER NOT NULL REFERENCES actions(id) ON DELETE CASCADE,
    partner TEXT NOT NULL,
    PRIMARY KEY (action_id, partner)
);

CREATE TABLE action_links (
    action_id INTEGER NOT NULL REFERENCES actions(id) ON DELETE CASCADE,
    linked_id INTEGER NOT NULL REFERENCES actions(id) ON DELETE CASCADE,
    PRIMARY KEY (action_id, linked_id),
    CHECK (action_id != linked_id)
);
