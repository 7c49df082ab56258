// The connect flow every "Connect" button shares: scan the host key when none is pinned (or the
// user is re-pinning), let the user confirm it, then log in and read the server's facts.
import { useState } from 'react';
import type { HostKeyScan, Server } from '../../../src-shared/domain';
import type { SkiffError } from '../../../src-shared/errors';
import { asSkiffError, call } from '../api/client';
import { useServers } from '../stores/servers';

export function useConnect(server: Server | undefined) {
  const [scan, setScan] = useState<HostKeyScan | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<SkiffError | null>(null);
  const upsert = useServers((s) => s.upsert);

  const test = async (id: string) => {
    try {
      upsert(await call('servers.testConnection', { id }));
    } catch (e) {
      setError(asSkiffError(e));
    }
  };

  /** Scans the key; a new or changed key opens the confirmation dialog. */
  const scanKey = async (): Promise<void> => {
    if (!server) return;
    const found = await call('servers.scanHostKey', { id: server.id });
    if (found.status === 'matches') await test(server.id);
    else setScan(found);
  };

  const connect = async () => {
    if (!server) return;
    setBusy(true);
    setError(null);
    try {
      if (!server.hostKey) await scanKey();
      else await test(server.id);
    } catch (e) {
      setError(asSkiffError(e));
    } finally {
      setBusy(false);
    }
  };

  /** "I replaced this server": show the new key for an explicit re-pin. */
  const repin = async () => {
    setBusy(true);
    setError(null);
    try {
      await scanKey();
    } catch (e) {
      setError(asSkiffError(e));
    } finally {
      setBusy(false);
    }
  };

  const trusted = async (s: Server) => {
    setScan(null);
    upsert(s);
    setBusy(true);
    setError(null);
    await test(s.id);
    setBusy(false);
  };

  return { connect, repin, scan, busy, error, trusted, cancelScan: () => setScan(null) };
}
