import type { ESLint, Rule } from 'eslint';

declare const plugin: ESLint.Plugin & { rules: { 'no-shell-outside-remote': Rule.RuleModule } };
export default plugin;
