-- Patients looking for a médecin traitant (mission socle 1): health data. Only what is
-- needed to call back and to rank: identity and contact, yes/no priority facts; never a
-- diagnosis, never the NIR. Identity is wiped after the retention period; the dates and
-- the criteria stay for the indicators.

-- The priority criteria: the ACI's (ALD, 70 years or more, precarity) and local ones the
-- CPTS adds; each worth points in the documented score.
CREATE TABLE mt_criteria (
    code TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    points INTEGER NOT NULL CHECK (points >= 0),
    fragile INTEGER NOT NULL DEFAULT 0 CHECK (fragile IN (0, 1)),  -- an ACI "fragile" fact
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    position INTEGER NOT NULL
);
INSERT INTO mt_criteria (code, label, points, fragile, position) VALUES
    ('ald', 'Affection de longue durée (ALD)', 30, 1, 1),
    ('age70', '70 ans ou plus', 20, 1, 2),
    ('precarite', 'Précarité (CSS ou AME)', 20, 1, 3),
    ('handicap', 'Situation de handicap', 15, 0, 4),
    ('sortie_hospitalisation', 'Sortie d''hospitalisation', 15, 0, 5),
    ('grossesse', 'Grossesse', 10, 0, 6);

CREATE TABLE mt_requests (
    id INTEGER PRIMARY KEY,
    received_on TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('telephone', 'formulaire', 'pharmacie',
        'professionnel', 'cpam', 'sas', 'autre')),
    last_name TEXT,                 -- identity and contact: NULL once anonymised
    first_name TEXT,
    birth_date TEXT,
    phone TEXT,
    email TEXT,
    name_key TEXT,                  -- folded names and birth date, for duplicates
    commune_code TEXT REFERENCES communes(code),
    aged_70 INTEGER NOT NULL DEFAULT 0 CHECK (aged_70 IN (0, 1)),  -- on the day received
    household INTEGER NOT NULL DEFAULT 0 CHECK (household >= 0),   -- others without one
    can_travel INTEGER NOT NULL DEFAULT 1 CHECK (can_travel IN (0, 1)),
    status TEXT NOT NULL DEFAULT 'nouvelle' CHECK (status IN ('nouvelle', 'en_recherche',
        'proposee', 'acceptee', 'refusee', 'close', 'abandonnee')),
    doctor_id INTEGER REFERENCES people(id),    -- the doctor proposed, then declared
    proposed_on TEXT,
    accepted_on TEXT,
    closed_on TEXT,
    reason TEXT NOT NULL DEFAULT '',            -- why refused or abandoned
    anonymised_at TEXT,
    demo INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX mt_requests_status ON mt_requests (status, received_on);
CREATE INDEX mt_requests_name ON mt_requests (name_key);
CREATE INDEX mt_requests_closed ON mt_requests (closed_on) WHERE anonymised_at IS NULL;
CREATE INDEX mt_requests_accepted ON mt_requests (accepted_on);

CREATE TABLE mt_request_criteria (
    request_id INTEGER NOT NULL REFERENCES mt_requests(id) ON DELETE CASCADE,
    code TEXT NOT NULL REFERENCES mt_criteria(code),
    PRIMARY KEY (request_id, code)
);
CREATE INDEX mt_request_criteria_code ON mt_request_criteria (code);

-- Every step of a request, dated (the audit log has who; this has the workflow).
CREATE TABLE mt_steps (
    id INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES mt_requests(id) ON DELETE CASCADE,
    on_day TEXT NOT NULL,
    status TEXT NOT NULL,
    doctor_id INTEGER REFERENCES people(id),
    reason TEXT NOT NULL DEFAULT '',
    username TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX mt_steps_request ON mt_steps (request_id, id);

-- What the GPs offer: new patients they accept, from when, where.
CREATE TABLE doctor_capacity (
    person_id INTEGER PRIMARY KEY REFERENCES people(id),
    remaining INTEGER NOT NULL CHECK (remaining >= 0),
    from_date TEXT,
    communes TEXT NOT NULL DEFAULT '[]',   -- JSON list of commune codes; empty: any
    notes TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL
);
