import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkFields, email, maxLength, minLength, required, wholeNumber } from '../../lib/dashboard/form-checks';

describe('browser-side form checks (lib/dashboard/form-checks)', () => {
  it('trims, reports the first failing check per field in field order, and returns the trimmed values', () => {
    const checked = checkFields({ name: '  ', count: '12a', note: ' ok ' }, {
      name: [required('name needed'), maxLength(3, 'name too long')],
      count: [required('count needed'), wholeNumber(1, 10, 'count 1–10')],
      note: [maxLength(2, 'note too long')],
    });
    assert.deepEqual(checked.issues, [
      { field: 'name', message: 'name needed' },
      { field: 'count', message: 'count 1–10' },
    ]);
    assert.deepEqual(checked.values, { name: '', count: '12a', note: 'ok' });
  });

  it('keeps fields given as typed (passwords) untrimmed; non-strings count as empty', () => {
    const checked = checkFields<'password' | 'other'>({ password: ' 1234567 ', other: null }, { password: [minLength(8, 'short')], other: [required('needed')] }, ['password']);
    assert.deepEqual(checked.issues, [{ field: 'other', message: 'needed' }]);
    assert.equal(checked.values.password, ' 1234567 ');
  });

  it('whole numbers and emails', () => {
    const port = wholeNumber(1, 65535, 'bad');
    for (const value of ['1', '8333', '65535']) assert.equal(port(value), null, value);
    for (const value of ['0', '65536', '-1', '1.5', '1e3', '', ' 1']) assert.equal(port(value), 'bad', value);
    const mail = email('bad');
    for (const value of ['a@b.co', 'first.last+tag@mail.example.org']) assert.equal(mail(value), null, value);
    for (const value of ['not-an-email', 'a@b', 'a b@c.de', '@c.de', 'a@.de', 'a@b..de']) assert.equal(mail(value), 'bad', value);
  });
});

describe('admin setting input in the browser (lib/dashboard/setting-input)', () => {
  it('checks presence, whole numbers and range from the field description the server sends', async () => {
    const { checkSettingInput } = await import('../../lib/dashboard/setting-input');
    const { settingField } = await import('../../lib/dashboard/forms');
    const limit = settingField('registration.max_per_hour');
    assert.deepEqual(checkSettingInput(limit, ' 25 '), { ok: true, value: 25 });
    assert.match((checkSettingInput(limit, '0') as { message: string }).message, /^registration\.max_per_hour: a whole number from 1 to 10000$/);
    for (const bad of ['', 'ten', '2.5', '10001']) assert.equal(checkSettingInput(limit, bad).ok, false, bad);
    assert.deepEqual(checkSettingInput(settingField('versions.critical'), ' '), { ok: true, value: null });
    // Formats only the schema knows are left to the API.
    assert.deepEqual(checkSettingInput(settingField('versions.minimum'), 'latest'), { ok: true, value: 'latest' });
    assert.deepEqual(checkSettingInput(settingField('verification.require_review'), false), { ok: true, value: false });
  });
});
