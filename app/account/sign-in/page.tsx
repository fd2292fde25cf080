import type { Metadata } from 'next';
import { SignInForm } from './sign-in-form';

export const metadata: Metadata = { title: 'Sign in' };

export default function SignInPage() {
  return (
    <>
      <h1>Sign in</h1>
      <p className="muted">Sign in to register your nodes, create API keys and get alerts when a node goes down.</p>
      <SignInForm />
    </>
  );
}
