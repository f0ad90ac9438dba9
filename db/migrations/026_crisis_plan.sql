-- Socle 4: the plan de préparation aux situations sanitaires exceptionnelles (SSE), one
-- version per year, each started from the one before; its content follows the national
-- guidelines: texts, the crisis organisation and its alert chain, the resources census,
-- one fiche réflexe per crisis type, the trainings held.

CREATE TABLE crisis_plans (
    id INTEGER PRIMARY KEY,
    year INTEGER NOT NULL UNIQUE,
    status TEXT NOT NULL DEFAULT 'brouillon' CHECK (status IN ('brouillon', 'valide')),
    validated_by TEXT,              -- the body or person who validated it ("CA du 12/03")
    validated_on TEXT,
    sent_ars_on TEXT,
    sent_cpam_on TEXT,              -- the first year's plan goes to the CPAM too
    discussed_ars_on TEXT,
    next_review_on TEXT,
    based_on INTEGER REFERENCES crisis_plans(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK ((status = 'valide') = (validated_on IS NOT NULL)),
    CHECK (sent_ars_on IS NULL OR validated_on IS NOT NULL)
);

-- The plan's free texts, one per section (context and risks, the crisis cell's
-- functioning, communication, the training programme).
CREATE TABLE crisis_plan_texts (
    plan_id INTEGER NOT NULL REFERENCES crisis_plans(id) ON DELETE CASCADE,
    section TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (plan_id, section)
);

-- Who the crisis organisation counts: a person or a structure of the directory (their
-- phone is the directory's), or an outside contact with its own phone; the référent and
-- the suppléant, the crisis cell, the external partners; and their place in the alert
-- chain (rank, and who calls them).
CREATE TABLE crisis_contacts (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES crisis_plans(id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('referent', 'suppleant', 'cellule', 'externe')),
    person_id INTEGER REFERENCES people(id),
    organization_id INTEGER REFERENCES organizations(id),
    name TEXT,
    phone TEXT,                     -- E.164, outside contacts only
    email TEXT,                     -- outside contacts only
    function TEXT NOT NULL DEFAULT '',   -- "SDIS 45", "Centre 15", "pharmacien"...
    alert_rank INTEGER CHECK (alert_rank IS NULL OR alert_rank > 0),
    called_by INTEGER REFERENCES crisis_contacts(id),
    CHECK ((person_id IS NOT NULL) + (organization_id IS NOT NULL) + (name IS NOT NULL) = 1)
);
CREATE INDEX crisis_contacts_plan ON crisis_contacts (plan_id);
CREATE UNIQUE INDEX crisis_contacts_one_referent ON crisis_contacts (plan_id, role)
    WHERE role IN ('referent', 'suppleant');
CREATE UNIQUE INDEX crisis_contacts_person ON crisis_contacts (plan_id, person_id)
    WHERE person_id IS NOT NULL;
CREATE UNIQUE INDEX crisis_contacts_organization ON crisis_contacts (plan_id, organization_id)
    WHERE organization_id IS NOT NULL;

-- The resources census: professionals who can be mobilised, places usable as a
-- vaccination or care centre, equipment.
CREATE TABLE crisis_resources (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES crisis_plans(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('professionnel', 'lieu', 'materiel')),
    person_id INTEGER REFERENCES people(id),
    organization_id INTEGER REFERENCES organizations(id),
    label TEXT NOT NULL DEFAULT '',
    quantity INTEGER CHECK (quantity IS NULL OR quantity >= 0),
    details TEXT NOT NULL DEFAULT '',
    CHECK (kind <> 'professionnel' OR person_id IS NOT NULL)
);
CREATE INDEX crisis_resources_plan ON crisis_resources (plan_id);
CREATE UNIQUE INDEX crisis_resources_person ON crisis_resources (plan_id, person_id)
    WHERE person_id IS NOT NULL;

-- One fiche réflexe per crisis type, in every version.
CREATE TABLE crisis_fiches (
    plan_id INTEGER NOT NULL REFERENCES crisis_plans(id) ON DELETE CASCADE,
    crisis_type TEXT NOT NULL CHECK (crisis_type IN ('afflux_blesses', 'epidemie_climat',
        'agent_emergent', 'nrbc', 'rupture_offre')),
    actions TEXT NOT NULL DEFAULT '',
    who TEXT NOT NULL DEFAULT '',
    resources TEXT NOT NULL DEFAULT '',
    communication_internal TEXT NOT NULL DEFAULT '',
    communication_external TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (plan_id, crisis_type)
);

-- Trainings held for the plan (exercises are recorded as activations, marked so).
CREATE TABLE crisis_trainings (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES crisis_plans(id) ON DELETE CASCADE,
    held_on TEXT NOT NULL,
    title TEXT NOT NULL,
    participants INTEGER CHECK (participants IS NULL OR participants >= 0),
    lessons TEXT NOT NULL DEFAULT ''
);
CREATE INDEX crisis_trainings_plan ON crisis_trainings (plan_id);
