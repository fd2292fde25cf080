import { Resend } from 'resend';

/** One alert email, already rendered. */
export interface AlertEmail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
}

export interface ResendSettings {
  apiKey: string;
  /** The API base; RESEND_BASE_URL (a loopback receiver in tests) or https://api.resend.com. */
  baseUrl: string;
  timeoutMs: number;
}

export type EmailResult = { ok: true; id: string | null } | { ok: false; error: string };

/**
 * Sends one email through the Resend SDK. `idempotencyKey` makes a retried delivery of the same alert a no-op on
 * Resend's side. Never throws: a refused request, a timeout or a network failure is an `{ ok: false }` result.
 */
export async function sendResendEmail(settings: ResendSettings, email: AlertEmail, idempotencyKey: string): Promise<EmailResult> {
  const client = new Resend(settings.apiKey, { baseUrl: settings.baseUrl });
  try {
    const { data, error } = await client.emails.send(
      { from: email.from, to: email.to, subject: email.subject, text: email.text, html: email.html, headers: email.headers },
      { idempotencyKey: idempotencyKey.slice(0, 256), signal: AbortSignal.timeout(settings.timeoutMs) },
    );
    if (error) {
      const status = error.statusCode ? ` (HTTP ${error.statusCode})` : '';
      return { ok: false, error: `Resend did not take the email${status}: ${String(error.message).slice(0, 300)}` };
    }
    return { ok: true, id: data?.id ?? null };
  } catch (error) {
    return { ok: false, error: `Resend request failed: ${(error as Error).message}` };
  }
}
