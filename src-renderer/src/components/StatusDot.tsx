import type { ConnectionState } from '../../../src-shared/domain';

const LABEL: Record<ConnectionState, string> = { idle: 'Not connected', connecting: 'Connecting…', connected: 'Connected', error: 'Connection failed' };

export function StatusDot({ state }: { state: ConnectionState }) {
  return <span className={`status-dot status-${state}`} title={LABEL[state]} aria-label={LABEL[state]} />;
}
