import { z } from 'zod';

/** The query of GET /api/auth/confirm, the link in Supabase Auth's emails. */
export const confirmQuerySchema = z.object({
  token_hash: z.string().min(1).max(1000).optional(),
  type: z.enum(['recovery', 'signup', 'email', 'invite', 'magiclink', 'email_change']).optional(),
  next: z.string().max(500).optional(),
});
