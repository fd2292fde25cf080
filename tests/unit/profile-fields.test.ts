import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bech32 } from '@scure/base';
import { parseProfileForm, profileInputValue } from '../../lib/dashboard/profile-form';
import { checkDescription, checkDiscord, checkDisplayName, checkGithub, checkNostr, checkTelegram, checkWebsite, checkX, profileLinks } from '../../lib/profiles/fields';
import { decodeImageField, sniffImageFormat } from '../../lib/profiles/avatar-image';

const value = (result: ReturnType<typeof checkWebsite>) => (result.ok ? result.value : `ERROR: ${result.message}`);

describe('operator profile field checks (shared by the API and the browser form)', () => {
  it('takes https websites with a domain only', () => {
    assert.equal(value(checkWebsite(' https://Example.org/node?x=1 ')), 'https://example.org/node?x=1');
    assert.equal(value(checkWebsite('')), null);
    for (const bad of ['http://example.org', 'javascript:alert(1)', 'JAVASCRIPT:alert(1)', ' javascript:alert(1)', 'data:text/html,x', 'https://user@example.org',
      'https://example.org:8443/', 'https://10.0.0.1/', 'https://[::1]/', 'https://localhost/', 'https://exa mple.org', 'https://example.org/<script>', 'ftp://example.org',
      '//example.org', `https://example.org/${'a'.repeat(200)}`, 'https://example.org/\u202e']) {
      assert.match(value(checkWebsite(bad)) ?? '', /^ERROR/, bad);
    }
  });

  it('normalises handles and refuses anything else', () => {
    assert.equal(value(checkX('@satoshi')), 'satoshi');
    assert.equal(value(checkX('https://twitter.com/satoshi')), 'satoshi');
    assert.match(value(checkX('javascript:alert(1)')) ?? '', /^ERROR/);
    assert.equal(value(checkGithub('bitcoin-core')), 'bitcoin-core');
    assert.match(value(checkGithub('a--b')) ?? '', /^ERROR/);
    assert.equal(value(checkTelegram('https://t.me/bitcoin_node')), 'bitcoin_node');
    assert.match(value(checkTelegram('_abcde')) ?? '', /^ERROR/);
    assert.equal(value(checkDiscord('https://discord.com/invite/AbC-12')), 'invite:AbC-12');
    assert.equal(value(checkDiscord('satoshi.n')), 'satoshi.n');
    assert.match(value(checkDiscord('https://discord.gg/a b')) ?? '', /^ERROR/);
    const npub = bech32.encode('npub', bech32.toWords(new Uint8Array(32).fill(1)), 90);
    assert.equal(value(checkNostr(`nostr:${npub}`)), npub);
    const nsec = bech32.encode('nsec', bech32.toWords(new Uint8Array(32).fill(1)), 90);
    assert.match(value(checkNostr(nsec)) ?? '', /^ERROR/, 'a secret key is refused');
  });

  it('refuses control, bidi and invisible characters in text; keeps line breaks in the description', () => {
    assert.equal(value(checkDisplayName('  My  Node ')), 'My  Node');
    for (const bad of ['a\u0000b', 'a\u202eb', 'a\u200bb', 'a\nb', 'a\u0085b', 'x'.repeat(51)]) assert.match(value(checkDisplayName(bad)) ?? '', /^ERROR/, JSON.stringify(bad));
    assert.equal(value(checkDescription('one\r\ntwo')), 'one\ntwo');
    assert.match(value(checkDescription('one\n\n\n\ntwo')) ?? '', /^ERROR/);
    assert.equal(value(checkDisplayName('😀'.repeat(50))), '😀'.repeat(50), 'characters, not UTF-16 units');
  });

  it('builds https links from handles only', () => {
    const links = profileLinks({ website: 'https://example.org/', x: 'a', github: 'b', discord: 'invite:c', telegram: 'ddddd', nostr: null });
    assert.deepEqual(links.map((link) => link.href), ['https://example.org/', 'https://x.com/a', 'https://github.com/b', 'https://discord.gg/c', 'https://t.me/ddddd']);
    assert.equal(profileLinks({ discord: 'name' })[0]!.href, null);
  });

  it('checks the whole form and shows stored values back in their inputs', () => {
    const parsed = parseProfileForm({ displayName: 'Node', website: 'http://x.org', telegram: 'ok_name' });
    assert.deepEqual(parsed.ok ? [] : parsed.errors.map((error) => error.field), ['website']);
    const good = parseProfileForm({ displayName: 'Node', description: null });
    assert.ok(good.ok && good.data.description === null && good.data.displayName === 'Node');
    assert.equal(profileInputValue('discord', 'invite:abc'), 'https://discord.gg/abc');
  });

  it('recognises images by their magic bytes and decodes base64 or data: URLs', () => {
    assert.equal(sniffImageFormat(Buffer.from('89504e470d0a1a0a0000', 'hex')), 'png');
    assert.equal(sniffImageFormat(Buffer.from('ffd8ffe000', 'hex')), 'jpeg');
    assert.equal(sniffImageFormat(Buffer.from('RIFF\0\0\0\0WEBPVP8 ')), 'webp');
    assert.equal(sniffImageFormat(Buffer.from('GIF89a')), 'gif');
    assert.equal(sniffImageFormat(Buffer.from('<svg')), null);
    assert.equal(sniffImageFormat(Buffer.from('GIF89b')), null);
    assert.deepEqual([...decodeImageField('data:image/png;base64,AAEC')], [0, 1, 2]);
    assert.deepEqual([...decodeImageField('AAEC')], [0, 1, 2]);
    assert.throws(() => decodeImageField('data:image/png;base64,<script>'), /base64/);
  });
});
