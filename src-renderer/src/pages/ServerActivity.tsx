// The server's job history; a job's log opens below (live while it runs).
import { useEffect } from 'react';
import type { Server } from '../../../src-shared/domain';
import { JobPanel, StatusBadge } from '../components/JobPanel';
import { jobsOfServer, useJobs } from '../stores/jobs';

export function ServerActivity({ server }: { server: Server }) {
  const { jobs, openJob, loadForServer, open } = useJobs();
  useEffect(() => { void loadForServer(server.id); }, [server.id, loadForServer]);
  const list = jobsOfServer(jobs, server.id);
  const current = openJob[server.id] ? jobs[openJob[server.id]!] : undefined;
  return (
    <section className="section" aria-labelledby="activity-title">
      <h2 id="activity-title">Activity</h2>
      {current && <JobPanel job={current} onClose={() => open(server.id, undefined)} />}
      {list.length === 0 ? <p className="muted">No jobs yet.</p> : (
        <table className="table jobs" aria-label="Job history">
          <tbody>
            {list.map((j) => (
              <tr key={j.id} className={j.id === current?.id ? 'selected' : ''}>
                <td><StatusBadge status={j.status} /></td>
                <td><button type="button" className="link" onClick={() => open(server.id, j.id)}>{j.title}</button></td>
                <td className="muted">{new Date(j.createdAt).toLocaleString()}</td>
                <td className="muted">{j.startedAt && j.endedAt ? `${((Date.parse(j.endedAt) - Date.parse(j.startedAt)) / 1000).toFixed(1)} s` : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
