// The deploy user may run Skiff's root helper, and nothing else, as root.
import { PATHS } from '../paths';

export function renderSudoers(deployUser: string): string {
  return `# Managed by Skiff: ${deployUser} may run Skiff's root helper, nothing else, as root.
${deployUser} ALL=(root) NOPASSWD: ${PATHS.rootHelper}
`;
}
