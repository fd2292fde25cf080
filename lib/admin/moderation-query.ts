import { z } from 'zod';
import { moderationQuerySchema } from '../verification/service';

/** GET /api/admin/moderation: `status`, `page`, `limit`, and `type` (verification, profile or avatar) to see one kind of item. */
export const MODERATION_ITEM_TYPES = ['verification', 'profile', 'avatar'] as const;

export const adminModerationQuerySchema = moderationQuerySchema.extend({
  type: z.enum(MODERATION_ITEM_TYPES).optional(),
});
export type AdminModerationQuery = z.output<typeof adminModerationQuerySchema>;
