import type { Metadata } from 'next';
import { portfolioQuery } from '@/lib/dashboard/portfolio-query';
import type { RawSearchParams } from '@/lib/dashboard/search-params';
import { AccountOverview } from './account-overview';

export const metadata: Metadata = { title: 'Account' };

export default async function AccountPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  return (
    <>
      <h1>Account</h1>
      <AccountOverview query={portfolioQuery(await searchParams)} />
    </>
  );
}
