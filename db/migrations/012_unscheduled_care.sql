-- Soins non programmés (SNP): the slots professionals open, and the requests answered on
-- the phone or from the SAS. No identity: commune, age band and motive are enough.

CREATE TABLE snp_motives (
    code TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    position INTEGER NOT NULL
);
INSERT INTO snp_motives (code, label, position) VALUES
    ('infection', 'Fièvre, infection (angine, cystite…)', 1),
    ('traumatologie', 'Petite traumatologie (entorse, chute…)', 2),
    ('plaie', 'Plaie, brûlure, pansement', 3),
    ('douleur', 'Douleur (dos, dent, ventre…)', 4),
    ('respiratoire', 'Gêne respiratoire modérée, toux', 5),
    ('cutane', 'Problème de peau, éruption', 6),
    ('traitement', 'Renouvellement ou ajustement de traitement', 7),
    ('autre', 'Autre motif', 8);

-- Slots a professional opens: every week on a weekday, or on one date.
CREATE TABLE snp_slots (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(id),
    weekday INTEGER CHECK (weekday BETWEEN 0 AND 6),   -- 0 Monday; NULL for a dated slot
    on_day TEXT,                                       -- 'YYYY-MM-DD'; NULL for a weekly one
    starts TEXT NOT NULL,                              -- 'HH:MM', Paris wall time
    ends TEXT NOT NULL,
    capacity INTEGER NOT NULL CHECK (capacity > 0),    -- patients per occurrence
    valid_from TEXT NOT NULL,
    valid_until TEXT,                                  -- last day; NULL: until ended
    demo INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    CHECK ((weekday IS NULL) <> (on_day IS NULL)),
    CHECK (ends > starts)
);
CREATE INDEX snp_slots_person ON snp_slots (person_id);

CREATE TABLE snp_requests (
    id INTEGER PRIMARY KEY,
    received_at TEXT NOT NULL,          -- Paris wall time 'YYYY-MM-DDTHH:MM'
    channel TEXT NOT NULL CHECK (channel IN ('sas', 'telephone', 'pharmacie', 'msp',
        'autre')),
    commune_code TEXT REFERENCES communes(code),
    age_band TEXT NOT NULL CHECK (age_band IN ('0-5', '6-17', '18-39', '40-64', '65-74',
        '75+')),
    motive_code TEXT NOT NULL REFERENCES snp_motives(code),
    profession_code TEXT NOT NULL REFERENCES professions(code),
    person_id INTEGER REFERENCES people(id),    -- oriented to this professional
    slot_id INTEGER REFERENCES snp_slots(id),   -- in this slot
    outcome TEXT CHECK (outcome IN ('rdv', 'conseil', 'urgences', 'pdsa', 'sans_suite')),
    appointment_at TEXT,                -- Paris wall time, when outcome = 'rdv'
    delay_minutes INTEGER,              -- real minutes from receipt to appointment
    sas_status TEXT CHECK (sas_status IN ('honore', 'non_honore', 'annule', 'modifie')),
    entered_by TEXT NOT NULL,
    demo INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK ((outcome = 'rdv') = (appointment_at IS NOT NULL)),
    CHECK (sas_status IS NULL OR channel = 'sas')
);
CREATE INDEX snp_requests_received ON snp_requests (received_at);
CREATE INDEX snp_requests_slot ON snp_requests (slot_id, appointment_at);
