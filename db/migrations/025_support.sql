-- Complementary mission 2, support to professionals: the newcomers the CPTS helps settle,
-- the training places its professionals offer and the students they host.

-- A professional settling on the territory: a card of the directory, or only a name
-- until they arrive.
CREATE TABLE newcomers (
    id INTEGER PRIMARY KEY,
    person_id INTEGER REFERENCES people(id),
    name TEXT,
    profession_code TEXT REFERENCES professions(code),
    commune_code TEXT REFERENCES communes(code),
    expected_on TEXT,
    status TEXT NOT NULL DEFAULT 'projet' CHECK (status IN ('projet', 'installe', 'abandonne')),
    settled_on TEXT,                -- the day they settled, once 'installe'
    notes TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (person_id IS NOT NULL OR name IS NOT NULL),
    CHECK ((status = 'installe') = (settled_on IS NOT NULL))
);

-- What the CPTS did for them, dated.
CREATE TABLE newcomer_steps (
    id INTEGER PRIMARY KEY,
    newcomer_id INTEGER NOT NULL REFERENCES newcomers(id) ON DELETE CASCADE,
    done_on TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('visite', 'contacts', 'locaux', 'autre')),
    text TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX newcomer_steps_newcomer ON newcomer_steps (newcomer_id, done_on);

-- Training places a professional (maître de stage) offers for a year.
CREATE TABLE training_places (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(id),
    year INTEGER NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('externe', 'interne', 'docteur_junior',
        'paramedical', 'autre')),
    capacity INTEGER NOT NULL CHECK (capacity > 0),
    UNIQUE (person_id, year, level)
);

-- A student hosted: named only with their consent.
CREATE TABLE placements (
    id INTEGER PRIMARY KEY,
    supervisor_id INTEGER NOT NULL REFERENCES people(id),
    level TEXT NOT NULL CHECK (level IN ('externe', 'interne', 'docteur_junior',
        'paramedical', 'autre')),
    school TEXT NOT NULL DEFAULT '',
    student_name TEXT,
    consent INTEGER NOT NULL DEFAULT 0 CHECK (consent IN (0, 1)),
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    created_at TEXT NOT NULL,
    CHECK (ends_on >= starts_on),
    CHECK (student_name IS NULL OR consent = 1)
);
CREATE INDEX placements_dates ON placements (starts_on, ends_on);
