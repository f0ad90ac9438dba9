-- Socle 3, prevention: the events the CPTS runs (a stand, a workshop, a screening...),
-- who ran them, with whom, whom they reached, and their documents.

-- Themes are the CPTS's own list, in the order the pages show them; archived, never
-- deleted once an event names one.
CREATE TABLE prevention_themes (
    code TEXT PRIMARY KEY,
    label TEXT NOT NULL UNIQUE,
    position INTEGER NOT NULL,
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);
INSERT INTO prevention_themes (code, label, position) VALUES
    ('vaccination', 'Vaccination', 1),
    ('depistage_cancers', 'Dépistage des cancers', 2),
    ('addictions', 'Addictions (tabac, alcool…)', 3),
    ('activite_physique', 'Activité physique', 4),
    ('nutrition', 'Nutrition', 5),
    ('sante_mentale', 'Santé mentale', 6),
    ('canicule', 'Canicule et grand froid', 7),
    ('sante_sexuelle', 'Santé sexuelle', 8),
    ('autre', 'Autre', 9);

CREATE TABLE prevention_events (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    theme_code TEXT NOT NULL REFERENCES prevention_themes(code),
    campaign TEXT,                  -- a national campaign it belongs to (Octobre rose...)
    format TEXT NOT NULL CHECK (format IN ('atelier', 'stand', 'depistage', 'conference',
        'affichage', 'intervention_scolaire')),
    action_id INTEGER REFERENCES actions(id),
    held_on TEXT NOT NULL,
    duration_minutes INTEGER CHECK (duration_minutes IS NULL OR duration_minutes > 0),
    commune_code TEXT REFERENCES communes(code),
    place TEXT NOT NULL DEFAULT '',
    reached INTEGER CHECK (reached IS NULL OR reached >= 0),   -- people reached, once held
    evaluation TEXT NOT NULL DEFAULT '',
    visible INTEGER NOT NULL DEFAULT 1 CHECK (visible IN (0, 1)),  -- members read it
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX prevention_events_day ON prevention_events (held_on);

-- The people reached, optionally by age band and sex: counts, never identities.
CREATE TABLE prevention_reach (
    event_id INTEGER NOT NULL REFERENCES prevention_events(id) ON DELETE CASCADE,
    age_band TEXT NOT NULL CHECK (age_band IN ('0-17', '18-39', '40-64', '65-74', '75+')),
    sex TEXT NOT NULL CHECK (sex IN ('f', 'm')),
    count INTEGER NOT NULL CHECK (count >= 0),
    PRIMARY KEY (event_id, age_band, sex)
);

-- The professionals who ran it, and the partner structures.
CREATE TABLE prevention_event_people (
    event_id INTEGER NOT NULL REFERENCES prevention_events(id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people(id),
    PRIMARY KEY (event_id, person_id)
);
CREATE INDEX prevention_event_people_person ON prevention_event_people (person_id);
CREATE TABLE prevention_event_partners (
    event_id INTEGER NOT NULL REFERENCES prevention_events(id) ON DELETE CASCADE,
    organization_id INTEGER NOT NULL REFERENCES organizations(id),
    PRIMARY KEY (event_id, organization_id)
);

-- Its documents (sign-in sheet, photos, flyer), stored by content as the evidence is.
CREATE TABLE prevention_documents (
    id INTEGER PRIMARY KEY,
    event_id INTEGER NOT NULL REFERENCES prevention_events(id) ON DELETE CASCADE,
    sha256 TEXT NOT NULL,
    filename TEXT NOT NULL,
    mime TEXT NOT NULL,
    size INTEGER NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TEXT NOT NULL
);
CREATE INDEX prevention_documents_event ON prevention_documents (event_id);
