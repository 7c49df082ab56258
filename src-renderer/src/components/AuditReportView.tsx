// The last security audit: pass/warn/fail per item with its fix; export as Markdown or JSON.
import type { AuditReport } from '../../../src-shared/domain';
import { auditToJson, auditToMarkdown } from '../../../src-shared/auditExport';

export function download(name: string, text: string, type: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function AuditReportView({ report }: { report: AuditReport }) {
  const base = `skiff-audit-${report.serverName.replace(/[^A-Za-z0-9_-]+/g, '_')}-${report.at.slice(0, 10)}`;
  return (
    <div className="audit" data-testid="audit-report">
      <div className="audit-head">
        <span>
          Audit of {new Date(report.at).toLocaleString()}:{' '}
          <span className="audit-count audit-pass">{report.summary.pass} pass</span>{' '}
          <span className="audit-count audit-warn">{report.summary.warn} warn</span>{' '}
          <span className="audit-count audit-fail">{report.summary.fail} fail</span>
        </span>
        <span className="actions">
          <button type="button" className="button-small" onClick={() => download(`${base}.md`, auditToMarkdown(report), 'text/markdown')}>Export Markdown</button>
          <button type="button" className="button-small" onClick={() => download(`${base}.json`, auditToJson(report), 'application/json')}>Export JSON</button>
        </span>
      </div>
      <table className="table">
        <tbody>
          {report.items.map((i) => (
            <tr key={i.id} data-audit-id={i.id} data-status={i.status}>
              <td><span className={`badge audit-${i.status}`}>{i.status}</span></td>
              <td>{i.title}</td>
              <td>{i.detail}{i.fix && <div className="hint">→ {i.fix}</div>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
