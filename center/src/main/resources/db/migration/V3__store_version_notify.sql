-- Every change of the store's version (date_added_clock: advanced by every committed write
-- and delete) is announced on the channel 'renkei_store_version' with the new value.
-- NOTIFY is delivered at commit, in commit order, so each process of the center can keep
-- the version in memory (StoreVersion) instead of asking the database on every read.
create function renkei_announce_store_version() returns trigger
language plpgsql as $$
begin
    perform pg_notify('renkei_store_version', new.last_us::text);
    return null;
end
$$;

create trigger date_added_clock_announce
    after update on date_added_clock
    for each row execute function renkei_announce_store_version();
