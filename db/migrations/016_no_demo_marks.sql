-- The demo is loaded through the services, as a user's forms save (issue 15), so no row
-- carries its own demo mark any more: the `demo` setting marks the whole portal.
ALTER TABLE organizations DROP COLUMN demo;
ALTER TABLE people DROP COLUMN demo;
ALTER TABLE actions DROP COLUMN demo;
ALTER TABLE indicators DROP COLUMN demo;
ALTER TABLE meetings DROP COLUMN demo;
ALTER TABLE mandates DROP COLUMN demo;
ALTER TABLE decisions DROP COLUMN demo;
ALTER TABLE campaigns DROP COLUMN demo;
ALTER TABLE responses DROP COLUMN demo;
ALTER TABLE mt_requests DROP COLUMN demo;
ALTER TABLE snp_slots DROP COLUMN demo;
ALTER TABLE snp_requests DROP COLUMN demo;
