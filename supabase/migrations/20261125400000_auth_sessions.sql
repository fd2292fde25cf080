-- Revocable sessions (issue 12). A local session token carries its row id (`sid`); sign-out,
-- a password change, a ban or an admin's "sign out everywhere" set revoked_at, and the token
-- stops working at once. For Supabase access tokens (no row here), profiles.sessions_valid_after
-- rejects every token issued before it.
create table if not exists auth_sessions (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references profiles(id) on delete cascade,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  revoked_at timestamptz
);
create index if not exists auth_sessions_user_idx on auth_sessions (user_id);
alter table auth_sessions enable row level security;

alter table profiles add column if not exists sessions_valid_after timestamptz;
