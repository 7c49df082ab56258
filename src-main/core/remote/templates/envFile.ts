// The app's environment file (systemd EnvironmentFile syntax): KEY="value", with \ and " escaped.
// The helper accepts only lines of exactly this shape (ENV_LINE), so the file cannot carry anything
// but variables for the app.

/** One line as the helper accepts it (POSIX ERE, same in JavaScript and bash). */
export const ENV_LINE = '^[A-Za-z_][A-Za-z0-9_]{0,127}="([^"\\\\]|\\\\.)*"$';

export function renderEnvFile(vars: { key: string; value: string }[]): string {
  return vars.map((v) => `${v.key}="${v.value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join('\n') + (vars.length ? '\n' : '');
}
