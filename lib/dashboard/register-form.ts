/**
 * The register-node form's check in the browser, with the limits of
 * registerNodeSchema (lib/nodes/register.ts) but from form strings.
 */
import { checkFields, maxLength, required, wholeNumber, type FieldIssue } from './form-checks';

const PORT_MESSAGE = 'The port is a whole number from 1 to 65535';

export type RegisterField = 'ip' | 'port' | 'label';
export type RegisterFormResult =
  | { ok: true; data: { ip: string; port: number; label?: string } }
  | { ok: false; errors: FieldIssue<RegisterField>[] };

/** Validates the register form's raw values; the body to POST when valid. */
export function parseRegisterForm(values: { ip: unknown; port: unknown; label: unknown }): RegisterFormResult {
  const checked = checkFields<RegisterField>(values, {
    ip: [required('Enter the node’s IP address'), maxLength(64, 'The IP address is at most 64 characters')],
    port: [required('Enter the port'), wholeNumber(1, 65535, PORT_MESSAGE)],
    label: [maxLength(80, 'The label is at most 80 characters')],
  });
  if (checked.issues.length) return { ok: false, errors: checked.issues };
  const { port, label } = checked.values;
  // "[2001:db8::1]" as written next to a port is the same address as "2001:db8::1".
  const ip = checked.values.ip.replace(/^\[(.*)\]$/, '$1');
  return { ok: true, data: label === '' ? { ip, port: Number(port) } : { ip, port: Number(port), label } };
}
