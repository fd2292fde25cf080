'use client';

import { useState, type FormEvent } from 'react';
import { callApi } from '@/lib/dashboard/api-client';
import { checkSettingInput, type SettingField } from '@/lib/dashboard/setting-input';
import type { SettingKey, Settings } from '@/lib/settings/app-settings';
import { Feedback } from '../account-ui';

const show = (value: unknown) => (value === null ? 'not set' : JSON.stringify(value));

/** One form per known setting (input type from its schema); Save sends PUT /api/admin/settings {key: value}. */
export function SettingsEditor({ fields, initial, onSaved }: { fields: SettingField[]; initial: Record<string, unknown>; onSaved?: () => void }) {
  const [values, setValues] = useState<Record<string, unknown>>(initial);
  const [saving, setSaving] = useState<SettingKey | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Settings the API returned that this page does not know (a newer server) are listed read-only.
  const unknown = Object.keys(values).filter((key) => !fields.some((field) => field.key === key));

  async function save(event: FormEvent<HTMLFormElement>, field: SettingField) {
    event.preventDefault();
    const input = event.currentTarget.elements.namedItem('value') as HTMLInputElement;
    const parsed = checkSettingInput(field, field.kind === 'boolean' ? input.checked : input.value);
    if (!parsed.ok) {
      setNotice(null);
      setError(parsed.message);
      input.focus();
      return;
    }
    setSaving(field.key);
    const result = await callApi<{ settings: Settings }>('/api/admin/settings', { method: 'PUT', body: { [field.key]: parsed.value } });
    setSaving(null);
    if (!result.ok) {
      setNotice(null);
      setError(`${field.key} was not saved: ${result.message}`);
      return;
    }
    setValues(result.data.settings);
    setError(null);
    setNotice(`Saved ${field.key} = ${show(result.data.settings[field.key])}.`);
    onSaved?.();
  }

  return (
    <>
      <Feedback notice={notice} error={error} />
      <div className="settings-list">
        {fields.map((field) => {
          const value = values[field.key];
          const id = `setting-${field.key.replace(/\W/g, '-')}`;
          return (
            <form key={field.key} className="card setting-form" aria-label={`Setting ${field.key}`} noValidate onSubmit={(event) => save(event, field)}>
              {field.kind === 'boolean' ? (
                <label className="setting-check">
                  <input type="checkbox" name="value" defaultChecked={value === true} aria-describedby={`${id}-hint`} />
                  <span className="mono">{field.key}</span>
                </label>
              ) : (
                <label htmlFor={id} className="mono">{field.key}</label>
              )}
              <p id={`${id}-hint`} className="muted">
                {field.description}
                {field.kind === 'number' && field.min !== undefined && field.max !== undefined ? ` (${field.min}–${field.max})` : ''}
              </p>
              <div className="form-actions">
                {field.kind !== 'boolean' && (
                  <input id={id} name="value" type={field.kind === 'number' ? 'number' : 'text'} inputMode={field.kind === 'number' ? 'numeric' : undefined}
                    min={field.min} max={field.max} step={field.kind === 'number' ? 1 : undefined} required={!field.nullable}
                    defaultValue={value === null || value === undefined ? '' : String(value)} placeholder={field.nullable ? 'not set' : undefined}
                    aria-describedby={`${id}-hint`} />
                )}
                <button type="submit" className="button" disabled={saving === field.key} aria-label={`Save ${field.key}`}>
                  {saving === field.key ? 'Saving…' : 'Save'}
                </button>
              </div>
            </form>
          );
        })}
        {unknown.map((key) => (
          <p key={key} className="card"><span className="mono">{key}</span>: <span className="mono">{show(values[key])}</span></p>
        ))}
      </div>
    </>
  );
}
