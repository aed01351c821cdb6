-- Faster ingest, round three (issue 2).

-- Most objects are addressed to nobody in particular (community content): their recipient
-- arrays are empty and an index entry for them is never used, since the collections that
-- read these indexes ask for one sector, group or member. The indexes now cover only the
-- rows that name someone; the collection queries carry the same predicate (col <> '{}') so
-- that the planner can still use them. Each ingested row was three GIN insertions before.
drop index stix_object_recipient_members;
drop index stix_object_recipient_sectors;
drop index stix_object_recipient_groups;
create index stix_object_recipient_members on stix_object using gin (recipient_members) where recipient_members <> '{}';
create index stix_object_recipient_sectors on stix_object using gin (recipient_sectors) where recipient_sectors <> '{}';
create index stix_object_recipient_groups on stix_object using gin (recipient_groups) where recipient_groups <> '{}';

-- The submitter's existence was checked per row (a trigger call per stored object). The
-- ingest writer now locks the submitting members' rows (FOR KEY SHARE) once per batch, and
-- deleting a member locks its row FOR UPDATE and refuses while it has objects: together they
-- keep every object's submitter in the member table.
alter table stix_object drop constraint stix_object_submitter_fkey;

-- A status outlives the member that submitted it (it expires after 48 hours anyway): a member
-- removed while its batch waited gets a status that says its objects were not stored, which
-- center staff can read, instead of losing the status with the member.
alter table submission_status drop constraint submission_status_member_id_fkey;

-- The writer reads each incoming id's newest and revoked versions in one query through the
-- primary key; nothing reads this index any more.
drop index stix_object_revoked;

-- A status's entry lists are JSON text of ~80 bytes per object (400 KB for an envelope of
-- 5,000): pglz compressed them on every insert and decompressed them on every poll, a fifth
-- of the database's time under bulk ingest. Stored out of line uncompressed instead: more
-- bytes written (the entries are mostly random UUIDs, which compress poorly anyway), far
-- less CPU.
alter table submission_status
    alter column accepted set storage external,
    alter column successes set storage external,
    alter column failures set storage external;
