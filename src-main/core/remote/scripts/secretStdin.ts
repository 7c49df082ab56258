// Hands a secret to a remote command on its stdin. The value goes into a shell variable first:
// printf is a builtin (no process shows it), and when bash reports a pipeline killed by a signal
// it prints the pipeline's text, which then names the variable, not the secret.
import { sh, type ShellText } from '../quote';

export function withSecretStdin(text: string, command: ShellText): ShellText {
  return sh`skiff_stdin=${text}
printf '%s' "$skiff_stdin" | ${command}
unset skiff_stdin`;
}

/** Lines (each followed by a newline) on the command's stdin. */
export function withSecretLines(lines: string[], command: ShellText): ShellText {
  return withSecretStdin(lines.map((l) => `${l}\n`).join(''), command);
}

/** Like withSecretLines, but a failure of the command sets `$skiff_rc` instead of ending the script. */
export function withSecretLinesStatus(lines: string[], command: ShellText): ShellText {
  return sh`skiff_stdin=${lines.map((l) => `${l}\n`).join('')}
printf '%s' "$skiff_stdin" | ${command} || skiff_rc=$?
unset skiff_stdin`;
}
