import type { Metadata } from 'next';
import { NewPasswordForm } from './new-password-form';

export const metadata: Metadata = { title: 'Choose a new password' };

export default function ResetPasswordPage() {
  return (
    <>
      <h1>Choose a new password</h1>
      <p className="muted">The reset link signed you in; choose the password for your next sign-ins.</p>
      <NewPasswordForm />
    </>
  );
}
