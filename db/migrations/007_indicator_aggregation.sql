-- How an indicator's period values make its value for the year: a count adds up (sum),
-- a state or a stock is its latest value (last), a rate is averaged (mean).

ALTER TABLE indicators ADD COLUMN aggregation TEXT NOT NULL DEFAULT 'sum'
    CHECK (aggregation IN ('sum', 'last', 'mean'));
