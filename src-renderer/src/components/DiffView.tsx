// A unified diff, coloured line by line (hardening preview, drift findings).
export function DiffView({ text }: { text: string }) {
  return (
    <pre className="diff">
      {text.split('\n').map((l, i) => (
        <span key={i} className={l.startsWith('+++') || l.startsWith('---') ? 'diff-head' : l.startsWith('+') ? 'diff-add' : l.startsWith('-') ? 'diff-del' : ''}>{l}{'\n'}</span>
      ))}
    </pre>
  );
}
