import { sendResendEmail, type AlertEmail, type EmailResult } from '../alerts/email';

/**
 * Emails of local accounts (password reset, email verification), sent through Resend with
 * the alert emails' settings: RESEND_API_KEY, RESEND_FROM, RESEND_BASE_URL; links point to
 * PUBLIC_BASE_URL.
 */
export interface AccountEmailConfig {
  apiKey: string;
  from: string;
  baseUrl: string;
  publicBaseUrl: string;
  timeoutMs: number;
}

/** The settings, or null when email is not configured. */
export function accountEmailConfig(env: Record<string, string | undefined> = process.env): AccountEmailConfig | null {
  if (!env.RESEND_API_KEY || !env.RESEND_FROM) return null;
  return {
    apiKey: env.RESEND_API_KEY,
    from: env.RESEND_FROM,
    baseUrl: (env.RESEND_BASE_URL || 'https://api.resend.com').replace(/\/+$/, ''),
    publicBaseUrl: (env.PUBLIC_BASE_URL || 'http://127.0.0.1:3000').replace(/\/+$/, ''),
    timeoutMs: 10_000,
  };
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export type AccountEmailKind = 'password_reset' | 'email_verification';

/** The email with its link; pure. */
export function renderAccountEmail(config: AccountEmailConfig, kind: AccountEmailKind, to: string, token: string): AlertEmail {
  const link =
    kind === 'password_reset'
      ? `${config.publicBaseUrl}/account/reset-password?token=${encodeURIComponent(token)}`
      : `${config.publicBaseUrl}/account/verify-email?token=${encodeURIComponent(token)}`;
  const [subject, lead, action, tail] =
    kind === 'password_reset'
      ? ['[Peerscope] Reset your password', 'Someone asked to reset the password of your Peerscope account.', 'Choose a new password', 'The link works once, for 30 minutes. If it was not you, ignore this email: your password stays as it is.']
      : ['[Peerscope] Confirm your email address', 'Confirm that this address belongs to your Peerscope account.', 'Confirm my email address', 'The link works once, for 24 hours. If you did not create an account, ignore this email.'];
  return {
    from: config.from,
    to: [to],
    subject,
    text: `${lead}\n\n${action}: ${link}\n\n${tail}\n`,
    html: `<p>${escapeHtml(lead)}</p><p><a href="${escapeHtml(link)}">${escapeHtml(action)}</a></p><p>${escapeHtml(tail)}</p>`,
    headers: {},
  };
}

export async function sendAccountEmail(config: AccountEmailConfig, kind: AccountEmailKind, to: string, token: string): Promise<EmailResult> {
  // The token's hash prefix keeps a retried send of the same email a no-op at Resend.
  return sendResendEmail({ apiKey: config.apiKey, baseUrl: config.baseUrl, timeoutMs: config.timeoutMs }, renderAccountEmail(config, kind, to, token), `${kind}-${token.slice(0, 16)}`);
}
