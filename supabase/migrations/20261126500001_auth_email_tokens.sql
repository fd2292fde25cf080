-- Password reset and email verification for local accounts: single-use, expiring tokens
-- sent by email. Only the sha256 of a token is stored; the token itself is in the link.
create table if not exists auth_email_tokens (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references profiles (id) on delete cascade,
  purpose text not null check (purpose in ('password_reset', 'email_verification')),
  token_hash text not null unique check (token_hash ~ '^[0-9a-f]{64}$'),
  -- The address the link was sent to: a verification only counts for that address.
  email text not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz
);
create index if not exists auth_email_tokens_user_idx on auth_email_tokens (user_id, purpose, created_at desc);

alter table profiles add column if not exists email_verified_at timestamptz;

alter table auth_email_tokens enable row level security;
