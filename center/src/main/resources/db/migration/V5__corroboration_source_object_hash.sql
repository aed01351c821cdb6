-- Faster ingest, round five (issue 2).

-- Every stored indicator writes a corroboration source row, and each row was two random-order
-- B-tree insertions: the primary key (key, member_id, object_id) and this index on object_id,
-- whose entries carry the whole ~48-byte STIX id. The index only answers equality (which key
-- does the sighted object report: object_id = any(:refs)), so a hash index does: its entries are
-- a 4-byte hash and a row pointer. On PostgreSQL 18, COPYing 17,000 sources into a table of
-- 400,000 took 286-461 ms with the B-tree, 190-320 ms with the hash index, 190 ms with neither,
-- and wrote 10.0 / 9.1-9.3 / 7.5 MB of WAL (bench/center/README.md, ingest round 5).
drop index corroboration_source_object;
create index corroboration_source_object on corroboration_source using hash (object_id);
