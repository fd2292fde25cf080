import type { Metadata } from 'next';
import { Verifications } from './verifications';

export const metadata: Metadata = { title: 'Verification' };

export default function VerificationPage() {
  return (
    <>
      <h1>Node verification</h1>
      <p className="muted">Prove a registered node is yours: verified nodes get a badge and can enable tips.</p>
      <Verifications />
    </>
  );
}
