-- Supporting documents (pièces justificatives) of indicator values, stored by content hash.

CREATE TABLE evidence (
    id INTEGER PRIMARY KEY,
    indicator_id INTEGER NOT NULL REFERENCES indicators(id) ON DELETE CASCADE,
    period_start TEXT,              -- the period it supports, if any
    sha256 TEXT NOT NULL,           -- the file lives in files/<2 first chars>/<sha256>
    filename TEXT NOT NULL,
    mime TEXT NOT NULL,
    size INTEGER NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TEXT NOT NULL
);
CREATE INDEX evidence_indicator ON evidence (indicator_id, period_start);
