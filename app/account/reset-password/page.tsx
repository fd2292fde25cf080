import type { Metadata } from 'next';
import { NewPasswordForm } from './new-password-form';

export const metadata: Metadata = { title: 'Choose a new password' };
export const dynamic = 'force-dynamic';

/**
 * Where reset links land. Local accounts: /account/reset-password?token=… (the token goes with
 * the new password to POST /api/auth/reset-password/confirm). Supabase mode: the link already
 * signed the user in through /api/auth/confirm.
 */
export default async function ResetPasswordPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { token } = await searchParams;
  const resetToken = typeof token === 'string' && /^[A-Za-z0-9_-]{43}$/.test(token) ? token : undefined;
  return (
    <>
      <h1>Choose a new password</h1>
      {typeof token === 'string' && !resetToken ? (
        <p className="notice error" role="alert">
          This reset link is incomplete. Copy the whole link from the email, or <a href="/account/sign-in">ask for a new one</a>.
        </p>
      ) : (
        <>
          <p className="muted">
            {resetToken
              ? 'Choose the password for your next sign-ins. Every other session of the account ends; this link works once.'
              : 'The reset link signed you in; choose the password for your next sign-ins.'}
          </p>
          <NewPasswordForm token={resetToken} />
        </>
      )}
    </>
  );
}
