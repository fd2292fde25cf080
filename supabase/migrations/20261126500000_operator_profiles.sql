-- Operator profiles: the owner of a verified node sets a display name, a description,
-- links and an avatar. Every change waits in the admin moderation queue
-- (GET /api/admin/moderation, item_type 'profile' or 'avatar'); node_profiles holds the
-- live, approved profile, which stays as it is until a change is approved.

-- Re-encoded avatar images (PNG, metadata stripped). Stored in the database by default;
-- with Supabase Storage configured, `bytes` is null and `storage_path` names the object.
create table if not exists profile_avatars (
  id uuid primary key default gen_random_uuid(),
  -- sha256 (hex) of the re-encoded image: its public name (/api/avatars/<sha256>.png).
  sha256 text not null unique check (sha256 ~ '^[0-9a-f]{64}$'),
  content_type text not null check (content_type in ('image/png')),
  bytes bytea check (bytes is null or octet_length(bytes) <= 1048576),
  storage_path text check (storage_path is null or char_length(storage_path) <= 300),
  width integer not null check (width between 1 and 4096),
  height integer not null check (height between 1 and 4096),
  byte_size integer not null check (byte_size > 0),
  uploaded_by uuid references profiles (id) on delete set null,
  created_at timestamptz not null default now(),
  check (bytes is not null or storage_path is not null)
);

-- The live (approved) profile of a node.
create table if not exists node_profiles (
  node_id bigint primary key references nodes (id) on delete cascade,
  display_name text check (char_length(display_name) <= 50),
  description text check (char_length(description) <= 500),
  website text check (char_length(website) <= 200),
  x text check (char_length(x) <= 15),
  github text check (char_length(github) <= 39),
  discord text check (char_length(discord) <= 100),
  telegram text check (char_length(telegram) <= 32),
  nostr text check (char_length(nostr) <= 63),
  avatar_id uuid references profile_avatars (id) on delete set null,
  updated_by uuid references profiles (id) on delete set null,
  approved_by uuid references profiles (id) on delete set null,
  approved_at timestamptz not null default now()
);
create index if not exists node_profiles_avatar_idx on node_profiles (avatar_id) where avatar_id is not null;

-- Submitted changes: 'profile' (the text fields, all of them) or 'avatar' (a new image, or
-- null to remove it). One open change per node and kind: a newer one supersedes it.
create table if not exists node_profile_changes (
  id uuid primary key default gen_random_uuid(),
  node_id bigint not null references nodes (id) on delete cascade,
  user_id uuid not null references profiles (id) on delete cascade,
  kind text not null check (kind in ('profile', 'avatar')),
  fields jsonb check (fields is null or jsonb_typeof(fields) = 'object'),
  avatar_id uuid references profile_avatars (id) on delete set null,
  status text not null default 'needs_review' check (status in ('needs_review', 'approved', 'rejected', 'superseded')),
  flagged_at timestamptz,
  review_notes text check (char_length(review_notes) <= 2000),
  reason text check (char_length(reason) <= 500),
  created_at timestamptz not null default now(),
  decided_at timestamptz,
  decided_by uuid references profiles (id) on delete set null,
  check (kind = 'avatar' or fields is not null)
);
create unique index if not exists node_profile_changes_open_idx on node_profile_changes (node_id, kind) where status = 'needs_review';
create index if not exists node_profile_changes_queue_idx on node_profile_changes (created_at, id) where status = 'needs_review';
create index if not exists node_profile_changes_node_idx on node_profile_changes (node_id, created_at desc);
create index if not exists node_profile_changes_avatar_idx on node_profile_changes (avatar_id) where avatar_id is not null;

alter table profile_avatars enable row level security;
alter table node_profiles enable row level security;
alter table node_profile_changes enable row level security;
