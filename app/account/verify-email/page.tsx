import type { Metadata } from 'next';
import { ConfirmEmail } from './confirm-email';

export const metadata: Metadata = { title: 'Confirm your email address' };
export const dynamic = 'force-dynamic';

/** Where verification links land (/account/verify-email?token=…); a button confirms, so link scanners do not. */
export default async function VerifyEmailPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { token } = await searchParams;
  const valid = typeof token === 'string' && /^[A-Za-z0-9_-]{43}$/.test(token);
  return (
    <>
      <h1>Confirm your email address</h1>
      {valid ? (
        <ConfirmEmail token={token} />
      ) : (
        <p className="notice error" role="alert">
          This verification link is incomplete. Copy the whole link from the email, or send a new one from <a href="/account">your account</a>.
        </p>
      )}
    </>
  );
}
