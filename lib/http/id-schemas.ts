import { z } from 'zod';

/**
 * Ids in request bodies: every JSON response sends ids as strings, and a client must be
 * able to send them back as it got them — or as numbers, for numeric ids.
 */

/** A node id (bigint): a positive integer or its decimal string; parsed to the decimal string. */
export const nodeIdSchema = z
  .union([z.number().int().positive().max(Number.MAX_SAFE_INTEGER), z.string().trim().regex(/^[1-9]\d{0,17}$/, 'a positive integer id')])
  .transform((value) => String(value));

/** A whole number sent as a number or a decimal string ("60"), then checked like the number. */
export function integerInput(schema: z.ZodNumber) {
  return z.union([z.number(), z.string().trim().regex(/^-?\d{1,15}$/, 'an integer').transform(Number)]).pipe(schema);
}

/** A port, 1–65535, as a number or a decimal string. */
export const portSchema = integerInput(z.number().int().min(1).max(65535));
