-- Renkei foundation schema: members and access, the STIX object store, TAXII status.
-- One dialect everywhere: PostgreSQL (inet/cidr, jsonb, arrays).

-- Members are organisations. The center itself is a member of type 'center'.
create table member (
    id                 uuid primary key,
    name               text not null,
    type               text not null check (type in ('center','sector-body','operator','isp','vendor','government','municipality','research')),
    sector             text check (sector in ('information-communications','finance','aviation','airports','railways','electric-power','gas','government','medical','water','logistics','chemicals','credit','petroleum','ports')),
    trust_weight       double precision not null default 0.5 check (trust_weight >= 0 and trust_weight <= 1),
    anonymous_default  boolean not null default false,
    identity_id        text not null unique,           -- the member's STIX identity object id
    created            timestamptz not null default now(),
    modified           timestamptz not null default now()
);
create unique index member_name_key on member (lower(name));

create table member_cidr (
    member_id uuid not null references member(id) on delete cascade,
    cidr      cidr not null,
    primary key (member_id, cidr)
);
create index member_cidr_gist on member_cidr using gist (cidr inet_ops);

create table member_asn (
    member_id uuid not null references member(id) on delete cascade,
    asn       bigint not null check (asn >= 0 and asn <= 4294967295),
    primary key (member_id, asn)
);
create index member_asn_asn on member_asn (asn);

create table sharing_group (
    id          uuid primary key,
    name        text not null,
    description text,
    created     timestamptz not null default now()
);
create unique index sharing_group_name_key on sharing_group (lower(name));

create table sharing_group_member (
    group_id  uuid not null references sharing_group(id) on delete cascade,
    member_id uuid not null references member(id) on delete cascade,
    primary key (group_id, member_id)
);
create index sharing_group_member_member on sharing_group_member (member_id);

-- API tokens: only the SHA-256 of the token is stored (tokens are 256 random bits,
-- so a fast hash is enough: there is nothing to brute-force).
create table api_token (
    id         uuid primary key,
    member_id  uuid not null references member(id) on delete cascade,
    role       text not null check (role in ('admin','analyst','member','sensor')),
    label      text,
    hash       bytea not null unique,
    created    timestamptz not null default now(),
    revoked    timestamptz
);
create index api_token_member on api_token (member_id);

-- date_added must be strictly increasing across the whole server, also for bulk
-- inserts in one millisecond and across several server processes: every writer
-- takes this row's lock for the length of its transaction and hands out
-- microseconds after 'last_us'. Commit order therefore equals date_added order,
-- so a client paging with added_after never skips an object committed later.
create table date_added_clock (
    singleton boolean primary key default true check (singleton),
    last_us   bigint not null
);
insert into date_added_clock values (true, 0);

-- One row per object version. 'body' is what the center shares (anonymised
-- where the submitter asked); 'original' is what the submitter sent, kept only
-- when it differs, and only center analysts may read it.
create table stix_object (
    id                 text not null,
    version_us         bigint not null,               -- modified (or created) in epoch microseconds
    date_added_us      bigint not null unique,
    type               text not null,
    spec_version       text not null default '2.1',
    tlp                smallint not null,             -- 0 CLEAR, 1 GREEN, 2 AMBER, 3 AMBER+STRICT, 4 RED
    submitter          uuid not null references member(id),
    anonymous          boolean not null default false,
    recipient_members  uuid[] not null default '{}',
    recipient_sectors  text[] not null default '{}',
    recipient_groups   uuid[] not null default '{}',
    revoked            boolean not null default false,
    is_latest          boolean not null default true,  -- the newest version of its id (TAXII match[version]=last)
    body               text not null,                  -- compact JSON: served as is, never re-encoded
    original           text,
    primary key (id, version_us)
);
create index stix_object_latest_added on stix_object (date_added_us) where is_latest;
create index stix_object_type_latest_added on stix_object (type, date_added_us) where is_latest;
create index stix_object_type_added on stix_object (type, date_added_us);
create index stix_object_submitter on stix_object (submitter, date_added_us);
create index stix_object_recipient_members on stix_object using gin (recipient_members);
create index stix_object_recipient_sectors on stix_object using gin (recipient_sectors);
create index stix_object_recipient_groups on stix_object using gin (recipient_groups);

-- The status of each submission (the TAXII 2.1 status resource; kept at least 24 hours).
create table submission_status (
    id                 uuid primary key,
    collection         text not null,
    member_id          uuid not null references member(id) on delete cascade,
    request_timestamp  timestamptz not null,
    status             text not null check (status in ('pending','complete')),
    total_count        integer not null,
    success_count      integer not null default 0,
    failure_count      integer not null default 0,
    pending_count      integer not null default 0,
    successes          jsonb not null default '[]',
    failures           jsonb not null default '[]',
    pendings           jsonb not null default '[]'
);
create index submission_status_request_timestamp on submission_status (request_timestamp);

-- Server-wide secrets shared by every process of a center (e.g. the key that signs
-- TAXII 'next' tokens), created on first start.
create table server_secret (
    name  text primary key,
    value bytea not null
);

-- Darknet observation batches as sensors send them (one per sensor and interval).
-- batch_id makes a resent batch idempotent.
create table observation_batch (
    batch_id        uuid primary key,
    sensor_id       text not null,
    member_id       uuid not null references member(id),
    interval_start  timestamptz,
    interval_end    timestamptz,
    received        timestamptz not null default now(),
    packets         bigint not null,
    bytes           bigint not null,
    body            jsonb not null
);
create index observation_batch_sensor_interval on observation_batch (sensor_id, interval_start);

-- Orient: reports from different members that mean the same thing (same normalised
-- pattern, same observable value) share a key. Every source and sighting is kept here,
-- internally; the center publishes one merged object per corroborated key.
create table corroboration_source (
    key        text not null,                 -- 'pattern:<normalised pattern>' or 'sco:<type>:<value>'
    member_id  uuid not null references member(id),
    object_id  text not null,                 -- the member's object (a report or a sighting)
    kind       text not null check (kind in ('report','sighting')),
    tlp        smallint not null,
    added      timestamptz not null default now(),
    primary key (key, member_id, object_id)
);
create index corroboration_source_object on corroboration_source (object_id);

create table corroboration (
    key        text primary key,
    center_id  text not null unique,          -- the merged object's STIX id
    created    timestamptz not null,
    modified   timestamptz not null
);
