-- Socle 2: the pluriprofessional care pathways (parcours), the protocols inside or
-- beside them, the patients included (counted, never identified) and the concertation
-- meetings that review cases. And one table for the documents of any such record.

-- The documents of a record (a prevention event, a pathway...), stored by content as the
-- evidence is; `kind` says what it is for the record (a patient booklet, a liaison
-- letter...). Replaces the prevention events' own table.
CREATE TABLE record_documents (
    id INTEGER PRIMARY KEY,
    entity TEXT NOT NULL CHECK (entity IN ('prevention_event', 'pathway')),
    record_id INTEGER NOT NULL,
    kind TEXT,
    sha256 TEXT NOT NULL,
    filename TEXT NOT NULL,
    mime TEXT NOT NULL,
    size INTEGER NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TEXT NOT NULL
);
CREATE INDEX record_documents_record ON record_documents (entity, record_id);
INSERT INTO record_documents (id, entity, record_id, sha256, filename, mime, size,
                              uploaded_by, uploaded_at)
SELECT id, 'prevention_event', event_id, sha256, filename, mime, size, uploaded_by,
       uploaded_at FROM prevention_documents;
DROP TABLE prevention_documents;

CREATE TABLE pathway_themes (
    code TEXT PRIMARY KEY,
    label TEXT NOT NULL UNIQUE,
    position INTEGER NOT NULL,
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);
INSERT INTO pathway_themes (code, label, position) VALUES
    ('insuffisance_cardiaque', 'Insuffisance cardiaque', 1),
    ('personne_agee', 'Personne âgée à domicile', 2),
    ('sante_mentale', 'Santé mentale', 3),
    ('plaies_chroniques', 'Plaies chroniques', 4),
    ('lien_ville_hopital', 'Lien ville-hôpital', 5),
    ('addictions', 'Addictions', 6),
    ('diabete', 'Diabète', 7),
    ('cancer', 'Cancer', 8),
    ('autre', 'Autre', 9);

CREATE TABLE pathways (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    pathway_theme TEXT NOT NULL REFERENCES pathway_themes(code),
    status TEXT NOT NULL DEFAULT 'projet'
        CHECK (status IN ('projet', 'en_cours', 'suspendu', 'termine')),
    started_on TEXT,
    description TEXT NOT NULL DEFAULT '',
    visible INTEGER NOT NULL DEFAULT 1 CHECK (visible IN (0, 1)),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE pathway_actions (
    pathway_id INTEGER NOT NULL REFERENCES pathways(id) ON DELETE CASCADE,
    action_id INTEGER NOT NULL REFERENCES actions(id),
    PRIMARY KEY (pathway_id, action_id)
);

-- Who takes part, a person or a structure of the directory, and their role in it.
CREATE TABLE pathway_members (
    id INTEGER PRIMARY KEY,
    pathway_id INTEGER NOT NULL REFERENCES pathways(id) ON DELETE CASCADE,
    person_id INTEGER REFERENCES people(id),
    organization_id INTEGER REFERENCES organizations(id),
    role TEXT NOT NULL DEFAULT '',
    CHECK ((person_id IS NULL) <> (organization_id IS NULL))
);
CREATE UNIQUE INDEX pathway_members_person ON pathway_members (pathway_id, person_id)
    WHERE person_id IS NOT NULL;
CREATE UNIQUE INDEX pathway_members_organization
    ON pathway_members (pathway_id, organization_id) WHERE organization_id IS NOT NULL;

-- Patients included per period (a month or a quarter's first day): a count only.
CREATE TABLE pathway_inclusions (
    pathway_id INTEGER NOT NULL REFERENCES pathways(id) ON DELETE CASCADE,
    period_start TEXT NOT NULL,
    count INTEGER NOT NULL CHECK (count >= 0),
    PRIMARY KEY (pathway_id, period_start)
);

-- Concertation meetings reviewing the pathway's cases.
CREATE TABLE pathway_meetings (
    pathway_id INTEGER NOT NULL REFERENCES pathways(id) ON DELETE CASCADE,
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    cases_reviewed INTEGER NOT NULL DEFAULT 0 CHECK (cases_reviewed >= 0),
    PRIMARY KEY (pathway_id, meeting_id)
);
CREATE INDEX pathway_meetings_meeting ON pathway_meetings (meeting_id);

-- A protocol: national or local cooperation protocol (délégation de tâches), or a
-- coordination protocol; inside a pathway or beside it.
CREATE TABLE protocols (
    id INTEGER PRIMARY KEY,
    pathway_id INTEGER REFERENCES pathways(id),
    title TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('cooperation_nationale', 'cooperation_locale',
        'coordination')),
    started_on TEXT NOT NULL,
    ended_on TEXT,
    ars_declared_on TEXT,
    inclusion TEXT NOT NULL DEFAULT '',    -- conditions and inclusion criteria
    exclusion TEXT NOT NULL DEFAULT '',
    steps TEXT NOT NULL DEFAULT '',        -- what is done
    follow_up TEXT NOT NULL DEFAULT '',    -- follow-up and traceability
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (ended_on IS NULL OR ended_on >= started_on)
);

-- The professionals who adhered, delegating or delegated, and when.
CREATE TABLE protocol_adherents (
    protocol_id INTEGER NOT NULL REFERENCES protocols(id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people(id),
    side TEXT NOT NULL CHECK (side IN ('delegant', 'delegue', 'participant')),
    adhered_on TEXT NOT NULL,
    PRIMARY KEY (protocol_id, person_id)
);
