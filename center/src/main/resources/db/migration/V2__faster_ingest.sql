-- Faster ingest (issue 2).

-- Status entries are kept as the JSON text they are served as (they were jsonb, parsed on
-- the way in and printed again on every poll). The entries of the objects queued for the
-- writer are written once, as 'accepted': they are the pendings while the status is
-- pending and its successes (after 'successes') once it is complete, so completing a
-- status of 5,000 objects rewrites no entries.
alter table submission_status rename column pendings to accepted;
alter table submission_status
    alter column successes drop default,
    alter column failures drop default,
    alter column accepted drop default;
alter table submission_status
    alter column successes type text using successes::text,
    alter column failures type text using failures::text,
    alter column accepted type text using accepted::text;
alter table submission_status
    alter column successes set default '[]',
    alter column failures set default '[]',
    alter column accepted set default '[]';

-- Each batch asks which of its ids are revoked (a revoked object takes no new versions):
-- with this index that is a probe into a nearly empty index instead of the primary key.
create index stix_object_revoked on stix_object (id) where revoked;

-- A corroboration source is written in the same transaction as the member's own object,
-- whose foreign key (stix_object.submitter) already proves the member exists; checking it
-- again per source row was a trigger call per row for nothing.
alter table corroboration_source drop constraint corroboration_source_member_id_fkey;
