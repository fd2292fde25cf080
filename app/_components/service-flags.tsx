import { decodeServices, parseServices } from '@/lib/p2p/service-flags';

/** A node's service bits by name (NODE_NETWORK, NODE_WITNESS, …), unnamed bits as "bit N", and the raw 16 hex digits. */
export function ServiceFlagList({ services }: { services: string | null }) {
  const decoded = decodeServices(parseServices(services, 'hex'));
  if (!services || !decoded) return <>—</>;
  const names = [...decoded.names, ...decoded.unknownBits.map((bit) => `bit ${bit}`)];
  return (
    <>
      {names.length === 0 ? 'None' : (
        <ul className="flag-list" aria-label="Service flags">
          {names.map((name) => <li key={name} className="mono">{name}</li>)}
        </ul>
      )}{' '}
      <span className="muted mono">({services})</span>
    </>
  );
}
