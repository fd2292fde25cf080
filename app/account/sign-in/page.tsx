import type { Metadata } from 'next';
import { accountEmailConfig } from '@/lib/auth/account-email';
import { authConfig } from '@/lib/auth/config';
import { supabaseAuthSettings } from '@/lib/auth/supabase-auth';
import { ForgotPasswordForm } from './forgot-password-form';
import { SignInForm } from './sign-in-form';

export const metadata: Metadata = { title: 'Sign in' };
export const dynamic = 'force-dynamic';

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { error } = await searchParams;
  const supabase = supabaseAuthSettings() !== null;
  // Local accounts reset their password by email when this deployment can send it (Resend).
  const localReset = !supabase && authConfig().localEnabled && accountEmailConfig() !== null;
  return (
    <>
      <h1>Sign in</h1>
      <p className="muted">Sign in to register your nodes, create API keys and get alerts when a node goes down.</p>
      {typeof error === 'string' && (
        <p className="notice error" role="alert">
          {error.slice(0, 200)}
        </p>
      )}
      <SignInForm />
      {(supabase || localReset) && <ForgotPasswordForm />}
    </>
  );
}
