-- POST /api/admin/moderation {itemId, action: approve|reject|flag, notes}: a moderator can
-- flag a verification for a second look (it stays in the queue) and leave notes on any decision.
alter table verifications
  add column flagged_at timestamptz,
  add column review_notes text check (char_length(review_notes) <= 2000);
