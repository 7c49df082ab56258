// How a job's log looks: step headers, timings, exit codes and colours, as ANSI text that the
// xterm view shows live and that reopens identically from the log file.
const C = { reset: '\x1b[0m', bold: '\x1b[1m', dim: '\x1b[2m', red: '\x1b[31m', green: '\x1b[32m', yellow: '\x1b[33m', cyan: '\x1b[36m' };

export function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

export const formatLog = {
  jobStart: (title: string, at: Date) => `${C.bold}${title}${C.reset} ${C.dim}${at.toISOString()}${C.reset}\n`,
  stepStart: (i: number, n: number, title: string) => `\n${C.bold}${C.cyan}▶ [${i + 1}/${n}] ${title}${C.reset}\n`,
  stepSucceeded: (ms: number, note?: string) => `${C.green}✓ done${note ? ` (${note})` : ''} in ${seconds(ms)}${C.reset}\n`,
  stepSkipped: (ms: number, note: string) => `${C.dim}• ${note} (${seconds(ms)})${C.reset}\n`,
  stepFailed: (ms: number, message: string, exitCode?: number) =>
    `${C.red}✗ failed${exitCode !== undefined ? ` (exit ${exitCode})` : ''} after ${seconds(ms)}: ${message}${C.reset}\n`,
  stderr: (s: string) => `${C.yellow}${s}${C.reset}`,
  info: (s: string) => `${C.dim}${s}${C.reset}\n`,
  warn: (s: string) => `${C.yellow}${s}${C.reset}\n`,
  jobEnd: (status: string, ms: number, extra = '') => {
    const colour = status === 'succeeded' ? C.green : status === 'cancelled' || status === 'rolled-back' ? C.yellow : C.red;
    return `\n${C.bold}${colour}■ ${status}${C.reset} in ${seconds(ms)}${extra ? ` ${extra}` : ''}\n`;
  },
};
