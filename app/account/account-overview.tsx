'use client';

import { formatDecimal, formatPercent } from '@/lib/dashboard/format';
import { ListTable } from './account-ui';
import { hrefWith } from '@/lib/dashboard/search-params';
import { nodeListQuery, type PortfolioQuery } from '@/lib/dashboard/portfolio-query';
import { MyIncidents, MyNodesFilters } from './portfolio';
import { EmailVerification } from './email-verification';
import { RegisterNodeForm } from './register-node-form';
import { SignedIn, SignOutButton } from './signed-in';
import { useApi } from './use-api';

interface Me {
  user: { email: string; role: 'user' | 'admin'; created_at: string; email_verified_at?: string | null };
  auth: { mode: string };
}
/** GET /api/my-nodes: the spec's camelCase objects. */
interface MyNode {
  id: string; ip: string; port: number; status: 'up' | 'down' | 'unknown'; displayName: string | null; userAgent: string | null;
  uptimePercentage: number | null; latencyMs: number | null; tier: string | null; isVerified: boolean;
}

const STATUS_LABELS: Record<string, string> = { up: 'Online', down: 'Offline', unknown: 'Unknown' };

export function AccountOverview({ query = {} }: { query?: PortfolioQuery }) {
  const me = useApi<Me>('/api/auth/me');
  const nodes = useApi<{ nodes: MyNode[] }>(hrefWith('/api/my-nodes', nodeListQuery(query)));
  const filtered = Boolean(query.status || query.tier || query.label);
  return (
    <SignedIn result={me.result} retry={me.reload}>
      {({ user, auth }) => (
        <>
          <p>
            Signed in as <strong>{user.email}</strong>
            {user.role === 'admin' ? ' (administrator)' : ''}.{' '}
            <SignOutButton />
          </p>
          {auth.mode === 'local' && <EmailVerification verifiedAt={user.email_verified_at ?? null} />}
          <nav aria-label="Account" className="pagination">
            <a href="/account/keys">API keys</a>
            <a href="/account/alerts">Alerts</a>
            <a href="/account/verification">Verification</a>
            <a href="/account/profile">Operator profile</a>
            {user.role === 'admin' && <a href="/account/admin">Administration</a>}
          </nav>
          <h2>My nodes</h2>
          <MyNodesFilters query={query} />
          <SignedIn result={nodes.result} retry={nodes.reload}>
            {({ nodes: mine }) => (
              <ListTable caption="Nodes you registered" columns={['Node', 'Label', 'Status', 'Version', { label: 'Uptime', numeric: true }, { label: 'Latency', numeric: true }, 'Verified']}
                empty={filtered ? 'None of your nodes matches these filters.' : 'No registered nodes yet: register one below.'} isEmpty={mine.length === 0}>
                    {mine.map((node) => (
                      <tr key={node.id}>
                        <th scope="row"><a href={`/nodes/${node.id}`} className="mono">{node.ip.includes(':') ? `[${node.ip}]` : node.ip}:{node.port}</a></th>
                        <td>{node.displayName ?? '—'}</td>
                        <td>{STATUS_LABELS[node.status] ?? node.status}</td>
                        <td className="mono">{node.userAgent ?? '—'}</td>
                        <td className="num">{formatPercent(node.uptimePercentage)}</td>
                        <td className="num">{formatDecimal(node.latencyMs, ' ms')}</td>
                        <td>{node.isVerified ? 'Yes' : 'No'}</td>
                      </tr>
                    ))}
              </ListTable>
            )}
          </SignedIn>
          <RegisterNodeForm onRegistered={nodes.reload} />
          <MyIncidents query={query} />
        </>
      )}
    </SignedIn>
  );
}
