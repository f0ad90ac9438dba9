-- A call sent to a slot takes one of its places on a given day, from the moment it is
-- sent there (before any appointment time is known): the day is recorded with the slot.
-- Earlier calls took their place on the day of their appointment, or of their receipt.

ALTER TABLE snp_requests ADD COLUMN slot_day TEXT;
UPDATE snp_requests SET slot_day = substr(COALESCE(appointment_at, received_at), 1, 10)
    WHERE slot_id IS NOT NULL;
DROP INDEX snp_requests_slot;
CREATE INDEX snp_requests_slot ON snp_requests (slot_id, slot_day);
