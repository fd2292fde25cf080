import { z } from 'zod';

const ipSchema = z.union([z.ipv4(), z.ipv6()]);

/**
 * The client's address for rate limiting: the first X-Forwarded-For entry
 * (set by the proxy in front), else X-Real-IP, accepted only when it is an IP
 * literal; 'unknown' otherwise.
 */
export function clientIp(headers: Headers): string {
  const candidates = [headers.get('x-forwarded-for')?.split(',')[0], headers.get('x-real-ip')];
  for (const candidate of candidates) {
    const parsed = ipSchema.safeParse(candidate?.trim());
    if (parsed.success) return parsed.data.toLowerCase();
  }
  return 'unknown';
}
