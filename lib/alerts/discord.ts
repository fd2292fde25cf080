/** Discord webhook limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits). */
export const DISCORD_LIMITS = {
  content: 2000,
  embeds: 10,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  author: 256,
  total: 6000,
} as const;

export interface DiscordEmbed {
  title?: string;
  description?: string;
  url?: string;
  color?: number;
  timestamp?: string;
  fields?: { name: string; value: string; inline?: boolean }[];
  footer?: { text: string };
  author?: { name: string };
}

export interface DiscordPayload {
  username?: string;
  content?: string;
  embeds: DiscordEmbed[];
  allowed_mentions: { parse: string[] };
}

/** Cuts to at most `max` UTF-16 units, never splitting a surrogate pair, marking the cut with "…". */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  let cut = text.slice(0, max - 1);
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return `${cut}…`;
}

function embedLength(embed: DiscordEmbed): number {
  return (
    (embed.title?.length ?? 0) +
    (embed.description?.length ?? 0) +
    (embed.footer?.text.length ?? 0) +
    (embed.author?.name.length ?? 0) +
    (embed.fields ?? []).reduce((sum, field) => sum + field.name.length + field.value.length, 0)
  );
}

/** Enforces every Discord limit: per-field lengths, field and embed counts, and the 6000-character total. */
export function clampDiscordPayload(payload: DiscordPayload): DiscordPayload {
  const embeds = payload.embeds.slice(0, DISCORD_LIMITS.embeds).map((embed) => ({
    ...embed,
    ...(embed.title !== undefined && { title: truncate(embed.title, DISCORD_LIMITS.title) }),
    ...(embed.description !== undefined && { description: truncate(embed.description, DISCORD_LIMITS.description) }),
    ...(embed.footer && { footer: { text: truncate(embed.footer.text, DISCORD_LIMITS.footer) } }),
    ...(embed.author && { author: { name: truncate(embed.author.name, DISCORD_LIMITS.author) } }),
    ...(embed.fields && {
      fields: embed.fields.slice(0, DISCORD_LIMITS.fields).map((field) => ({
        ...field,
        name: truncate(field.name, DISCORD_LIMITS.fieldName) || '\u200b',
        value: truncate(field.value, DISCORD_LIMITS.fieldValue) || '\u200b',
      })),
    }),
  }));
  let total = embeds.reduce((sum, embed) => sum + embedLength(embed), 0);
  // Over the total: shorten descriptions, then drop fields, then shorten titles, then drop embeds — last embed first.
  for (let i = embeds.length - 1; i >= 0 && total > DISCORD_LIMITS.total; i--) {
    const embed = embeds[i]!;
    if (embed.description) {
      const keep = Math.max(0, embed.description.length - (total - DISCORD_LIMITS.total));
      total -= embed.description.length;
      embed.description = truncate(embed.description, keep);
      total += embed.description.length;
    }
    while (total > DISCORD_LIMITS.total && embed.fields?.length) {
      const field = embed.fields.pop()!;
      total -= field.name.length + field.value.length;
    }
    if (total > DISCORD_LIMITS.total && embed.title) {
      const keep = Math.max(0, embed.title.length - (total - DISCORD_LIMITS.total));
      total -= embed.title.length;
      embed.title = truncate(embed.title, keep);
      total += embed.title.length;
    }
    if (total > DISCORD_LIMITS.total && i > 0) {
      total -= embedLength(embed);
      embeds.splice(i, 1);
    }
  }
  return {
    ...payload,
    ...(payload.content !== undefined && { content: truncate(payload.content, DISCORD_LIMITS.content) }),
    embeds,
  };
}

export function discordPayloadLength(payload: DiscordPayload): number {
  return payload.embeds.reduce((sum, embed) => sum + embedLength(embed), 0);
}
