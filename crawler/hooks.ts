import type { PassHook } from './pass';

/** Work run after each crawl pass. Alert processing joins here (lib/alerts). */
export function afterPassHooks(): PassHook[] {
  return [];
}
