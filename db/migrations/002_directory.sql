-- Directory ("interconnaissance"): reference lists, the territory, organisations, people.

-- Reference lists, loaded from data/ by portal.reference (never edited in the portal).
CREATE TABLE communes (
    code TEXT PRIMARY KEY,          -- INSEE code, text: 2A004, 01001
    name TEXT NOT NULL,
    department TEXT NOT NULL,
    region TEXT NOT NULL,
    postal_codes TEXT NOT NULL,     -- '|'-joined; many-to-many with INSEE codes
    population INTEGER
);
CREATE INDEX communes_department ON communes (department, name);

CREATE TABLE departments (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL
);

CREATE TABLE professions (
    code TEXT PRIMARY KEY,          -- TRE_G15, TRE_R94 or TRE_R95 code
    label TEXT NOT NULL,
    terminology TEXT NOT NULL,
    active INTEGER NOT NULL
);

CREATE TABLE specialties (
    code TEXT PRIMARY KEY,          -- TRE_R38 code (SM26, SM53, SM54: general practice)
    label TEXT NOT NULL,
    short_label TEXT NOT NULL,
    active INTEGER NOT NULL
);

-- The communes the CPTS covers.
CREATE TABLE territory_communes (
    code TEXT PRIMARY KEY REFERENCES communes(code)
);

CREATE TABLE organizations (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    sector TEXT NOT NULL CHECK (sector IN ('sanitaire', 'medico_social', 'social')),
    finess TEXT,
    siret TEXT,
    address TEXT,
    commune_code TEXT REFERENCES communes(code),
    phone TEXT,                     -- E.164
    email TEXT,
    website TEXT,
    notes TEXT,
    demo INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX organizations_commune ON organizations (commune_code);

CREATE TABLE people (
    id INTEGER PRIMARY KEY,
    civility TEXT,
    last_name TEXT NOT NULL,
    first_name TEXT NOT NULL DEFAULT '',
    name_key TEXT NOT NULL,         -- 'lefevre|julie': names folded, to spot duplicates
    profession_code TEXT REFERENCES professions(code),
    specialty_code TEXT REFERENCES specialties(code),
    rpps TEXT,
    adeli TEXT,
    practice_mode TEXT CHECK (practice_mode IN ('liberal', 'salarie', 'mixte')),
    phone TEXT,                     -- E.164
    email TEXT,
    mssante TEXT,
    commune_code TEXT REFERENCES communes(code),
    address TEXT,
    accepts_patients TEXT CHECK (accepts_patients IN ('yes', 'no', 'from')),
    accepts_from TEXT,              -- date, when accepts_patients = 'from'
    snp INTEGER NOT NULL DEFAULT 0,
    member INTEGER NOT NULL DEFAULT 0,
    visible INTEGER NOT NULL DEFAULT 1,   -- consent to appear to members
    source TEXT NOT NULL DEFAULT 'manual',
    source_date TEXT,
    -- Fields edited by hand: an RPPS import does not overwrite them (JSON list).
    manual_fields TEXT NOT NULL DEFAULT '[]',
    left_territory INTEGER NOT NULL DEFAULT 0,
    merged_into INTEGER REFERENCES people(id),
    erased_at TEXT,
    demo INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX people_rpps ON people (rpps);
CREATE INDEX people_names ON people (last_name COLLATE NOCASE, first_name COLLATE NOCASE);
CREATE INDEX people_name_key ON people (name_key, commune_code);
CREATE INDEX people_profession ON people (profession_code, specialty_code);
CREATE INDEX people_commune ON people (commune_code);

CREATE TABLE person_organizations (
    person_id INTEGER NOT NULL REFERENCES people(id),
    organization_id INTEGER NOT NULL REFERENCES organizations(id),
    PRIMARY KEY (person_id, organization_id)
);
CREATE INDEX person_organizations_org ON person_organizations (organization_id);

CREATE TABLE person_tags (
    person_id INTEGER NOT NULL REFERENCES people(id),
    tag TEXT NOT NULL,
    PRIMARY KEY (person_id, tag)
);

-- Search: names, organisations and activity tags; accents and case ignored.
CREATE VIRTUAL TABLE people_fts USING fts5 (
    names, organizations, tags,
    tokenize = 'unicode61 remove_diacritics 2'
);
