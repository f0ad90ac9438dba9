-- Questionnaires: campaigns sent to the territory's professionals, their questions, and
-- the answers typed from paper, received by mail or imported from a spreadsheet.

CREATE TABLE campaigns (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    territory TEXT NOT NULL DEFAULT '',
    return_by TEXT,                 -- 'YYYY-MM-DD'
    return_address TEXT NOT NULL DEFAULT '',
    closed INTEGER NOT NULL DEFAULT 0 CHECK (closed IN (0, 1)),
    demo INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE questions (
    id INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('yes_no', 'yes_no_nc', 'single', 'multiple', 'text',
        'number')),
    label TEXT NOT NULL,
    options TEXT NOT NULL DEFAULT '[]',     -- JSON list, for single and multiple choice
    mission_code TEXT REFERENCES missions(code),  -- the mission a question asks about
    archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1))  -- kept for its answers
);
CREATE INDEX questions_campaign ON questions (campaign_id, position);

-- One answer sheet per person and campaign.
CREATE TABLE responses (
    id INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people(id),
    received_on TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('papier', 'courriel', 'import', 'formulaire')),
    complete INTEGER NOT NULL CHECK (complete IN (0, 1)),
    entered_by TEXT NOT NULL,
    entered_at TEXT NOT NULL,
    demo INTEGER NOT NULL DEFAULT 0,
    UNIQUE (campaign_id, person_id)
);
CREATE INDEX responses_person ON responses (person_id);
CREATE INDEX responses_received ON responses (received_on);

-- One row per answer; a multiple choice has one row per option ticked.
CREATE TABLE answers (
    response_id INTEGER NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
    question_id INTEGER NOT NULL REFERENCES questions(id),
    value TEXT NOT NULL,            -- 'oui' / 'non' / 'nc', an option, a number, a text
    PRIMARY KEY (response_id, question_id, value)
);
CREATE INDEX answers_question ON answers (question_id, value);
