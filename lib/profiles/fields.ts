import { bech32 } from '@scure/base';

/**
 * The fields of an operator profile, checked and normalised by small pure functions that
 * the server (lib/profiles/schemas.ts, with zod) and the browser form (without zod) share.
 * Each returns the normalised value (null for an empty, i.e. cleared, field) or a message.
 *
 * Web links are https only (no javascript:, data:, http:, credentials); social links are
 * handles with each service's own strict pattern, from which the links are built here,
 * so no stored value is ever put into an href as it was typed.
 */
export type FieldResult = { ok: true; value: string | null } | { ok: false; message: string };

export const PROFILE_TEXT_FIELDS = ['displayName', 'description', 'website', 'x', 'github', 'discord', 'telegram', 'nostr'] as const;
export type ProfileTextField = (typeof PROFILE_TEXT_FIELDS)[number];
export type ProfileText = Record<ProfileTextField, string | null>;

export const PROFILE_LIMITS = { displayName: 50, description: 500, website: 200 } as const;

const ok = (value: string | null): FieldResult => ({ ok: true, value });
const fail = (message: string): FieldResult => ({ ok: false, message });

// C0/C1 controls (a newline is allowed in the description only), bidirectional overrides and
// isolates (they reorder text to spoof names), zero-width and other invisible format characters.
const INVISIBLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]/u;

function plainText(raw: string, max: number, what: string, multiline: boolean): FieldResult {
  const value = raw.normalize('NFC').replace(/\r\n?/g, '\n').trim();
  if (value === '') return ok(null);
  if (INVISIBLE.test(value) || (!multiline && /[\n\t]/.test(value))) return fail(`${what} must not contain control or invisible characters${multiline ? '' : ' or line breaks'}`);
  if ([...value].length > max) return fail(`${what} is at most ${max} characters`);
  if (multiline && /\n{3,}/.test(value)) return fail(`${what} has at most one empty line in a row`);
  return ok(value);
}

export const checkDisplayName = (raw: string) => plainText(raw, PROFILE_LIMITS.displayName, 'The display name', false);
export const checkDescription = (raw: string) => plainText(raw, PROFILE_LIMITS.description, 'The description', true);

/** An https URL with a DNS host name (no IP literal, no credentials, default port), at most 200 characters. */
export function checkWebsite(raw: string): FieldResult {
  const value = raw.trim();
  if (value === '') return ok(null);
  if (value.length > PROFILE_LIMITS.website) return fail(`The website is at most ${PROFILE_LIMITS.website} characters`);
  if (!/^https:\/\//i.test(value) || /[\s<>"'`\\]/.test(value) || INVISIBLE.test(value)) return fail('The website must be an https:// address');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail('The website must be an https:// address');
  }
  if (url.protocol !== 'https:') return fail('The website must be an https:// address');
  if (url.username || url.password) return fail('The website must not contain a user name or password');
  if (url.port) return fail('The website must use the default https port');
  const host = url.hostname;
  if (!/^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/.test(host)) return fail('The website needs a domain name such as example.com');
  if (url.href.length > PROFILE_LIMITS.website) return fail(`The website is at most ${PROFILE_LIMITS.website} characters`);
  return ok(url.href);
}

function handle(raw: string, prefixes: RegExp, pattern: RegExp, message: string): FieldResult {
  const value = raw.trim().replace(prefixes, '').replace(/^@/, '').replace(/\/$/, '');
  if (value === '') return ok(null);
  return pattern.test(value) ? ok(value) : fail(message);
}

/** An X (Twitter) handle: 1–15 letters, digits or underscores; "@name" and x.com/twitter.com links are accepted. */
export const checkX = (raw: string) =>
  handle(raw, /^(https:\/\/)?(www\.)?(x|twitter)\.com\//i, /^[A-Za-z0-9_]{1,15}$/, 'The X handle is 1–15 letters, digits or underscores');

/** A GitHub user or organisation: letters, digits and single inner hyphens, at most 39. */
export const checkGithub = (raw: string) =>
  handle(raw, /^(https:\/\/)?(www\.)?github\.com\//i, /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/, 'The GitHub name is up to 39 letters, digits or single hyphens');

/** A Telegram username or channel: 5–32 characters, a letter first, then letters, digits or underscores. */
export const checkTelegram = (raw: string) =>
  handle(raw, /^(https:\/\/)?(www\.)?t\.me\//i, /^[A-Za-z][A-Za-z0-9_]{3,30}[A-Za-z0-9]$/, 'The Telegram name is 5–32 letters, digits or underscores, starting with a letter');

/** A Discord server invite (discord.gg/<code>, discord.com/invite/<code>, or the code) → "invite:<code>"; or a username (2–32 of a-z, 0-9, _ and .). */
export function checkDiscord(raw: string): FieldResult {
  const value = raw.trim();
  if (value === '') return ok(null);
  const invite = /^https:\/\/(?:www\.)?(?:discord\.gg|discord(?:app)?\.com\/invite)\/([A-Za-z0-9-]{2,32})\/?$/i.exec(value);
  if (invite) return ok(`invite:${invite[1]}`);
  const prefixed = /^invite:([A-Za-z0-9-]{2,32})$/.exec(value);
  if (prefixed) return ok(value);
  const name = value.replace(/^@/, '');
  if (/^(?!.*\.\.)[a-z0-9_.]{2,32}$/.test(name)) return ok(name);
  return fail('Discord takes an invite link (https://discord.gg/…) or a username of 2–32 lowercase letters, digits, _ or .');
}

/** A nostr public key in NIP-19 form (npub1…, 32 bytes, bech32 checksum checked). */
export function checkNostr(raw: string): FieldResult {
  const value = raw.trim().replace(/^nostr:/i, '').toLowerCase();
  if (value === '') return ok(null);
  if (!/^npub1[02-9ac-hj-np-z]{58}$/.test(value)) return fail('The nostr key is an npub1… public key (63 characters)');
  try {
    const decoded = bech32.decode(value as `${string}1${string}`, 90);
    if (decoded.prefix !== 'npub' || bech32.fromWords(decoded.words).length !== 32) return fail('The nostr key is not a valid npub');
  } catch {
    return fail('The nostr key has a wrong checksum');
  }
  return ok(value);
}

export const FIELD_CHECKS: Record<ProfileTextField, (raw: string) => FieldResult> = {
  displayName: checkDisplayName,
  description: checkDescription,
  website: checkWebsite,
  x: checkX,
  github: checkGithub,
  discord: checkDiscord,
  telegram: checkTelegram,
  nostr: checkNostr,
};

/** The https links of a profile's handles, for display; built here, never taken from input. */
export interface ProfileLink {
  kind: ProfileTextField;
  label: string;
  /** null for a Discord username, which has no public address */
  href: string | null;
}

export function profileLinks(profile: Partial<ProfileText>): ProfileLink[] {
  const links: ProfileLink[] = [];
  if (profile.website) links.push({ kind: 'website', label: new URL(profile.website).hostname, href: profile.website });
  if (profile.x) links.push({ kind: 'x', label: `@${profile.x} on X`, href: `https://x.com/${profile.x}` });
  if (profile.github) links.push({ kind: 'github', label: `${profile.github} on GitHub`, href: `https://github.com/${profile.github}` });
  if (profile.discord) {
    links.push(
      profile.discord.startsWith('invite:')
        ? { kind: 'discord', label: 'Discord server', href: `https://discord.gg/${profile.discord.slice('invite:'.length)}` }
        : { kind: 'discord', label: `${profile.discord} on Discord`, href: null },
    );
  }
  if (profile.telegram) links.push({ kind: 'telegram', label: `@${profile.telegram} on Telegram`, href: `https://t.me/${profile.telegram}` });
  if (profile.nostr) links.push({ kind: 'nostr', label: `${profile.nostr.slice(0, 12)}… on nostr`, href: `https://njump.me/${profile.nostr}` });
  return links;
}
