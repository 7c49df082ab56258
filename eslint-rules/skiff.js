// Skiff's own lint rules, as a local ESLint plugin (`skiff/...` in eslint.config.js).
//
// no-shell-outside-remote: "remote commands are values" (docs/layout.md, Remote execution). Shell
// text is rendered in src-main/core/remote from typed inputs (the `sh` tag quotes every value); the
// rest of the code only hands the rendered `.text` to `exec`/`runScript`. So a call
// `exec(ssh, script, ...)` / `runScript(ssh, script, ...)` (any receiver: `ctx.exec`, `runScript`)
// whose script argument is assembled on the spot, a template literal with `${…}` or a `+` with a
// string in it, is shell written outside core/remote, with values spliced in unquoted. The config
// turns the rule off inside core/remote and in the test harness (where `vps.exec` runs test setup).

/** Callee names whose second argument is a script sent to a remote shell. */
const SHELL_RUNNERS = new Set(['exec', 'runScript']);

/** `exec` for `exec(...)`, `ctx.exec(...)`, `a?.exec(...)`; undefined for computed or other callees. */
function calleeName(callee) {
  if (callee.type === 'Identifier') return callee.name;
  if (callee.type === 'MemberExpression' && !callee.computed && callee.property.type === 'Identifier') return callee.property.name;
  return undefined;
}

/** Looks through TypeScript's expression wrappers (`x as string`, `x!`, `x satisfies T`). */
function unwrap(node) {
  while (node.type === 'TSAsExpression' || node.type === 'TSNonNullExpression' || node.type === 'TSSatisfiesExpression') node = node.expression;
  return node;
}

/** A `+` chain with a string literal or a template literal somewhere in it: string concatenation. */
function concatenatesText(node) {
  node = unwrap(node);
  if (node.type === 'Literal') return typeof node.value === 'string';
  if (node.type === 'TemplateLiteral') return true;
  if (node.type === 'BinaryExpression' && node.operator === '+') return concatenatesText(node.left) || concatenatesText(node.right);
  return false;
}

/** Shell text built in place: `\`rm ${x}\`` or `'a ' + b` (a plain literal or a variable is fine). */
function assembledHere(node) {
  node = unwrap(node);
  if (node.type === 'TemplateLiteral') return node.expressions.length > 0;
  if (node.type === 'BinaryExpression' && node.operator === '+') return concatenatesText(node);
  return false;
}

/** @type {import('eslint').Rule.RuleModule} */
const noShellOutsideRemote = {
  meta: {
    type: 'problem',
    docs: { description: 'Shell handed to exec/runScript is rendered in src-main/core/remote, never assembled in place' },
    schema: [],
    messages: {
      assembled: 'Shell text assembled outside core/remote is passed to {{name}}(): render it in src-main/core/remote (the `sh` tag quotes values) and pass its `.text`.',
    },
  },
  create(context) {
    return {
      CallExpression(node) {
        const name = calleeName(node.callee);
        if (!name || !SHELL_RUNNERS.has(name)) return;
        const script = node.arguments[1];
        if (script && script.type !== 'SpreadElement' && assembledHere(script)) {
          context.report({ node: script, messageId: 'assembled', data: { name } });
        }
      },
    };
  },
};

/** @type {import('eslint').ESLint.Plugin} */
const plugin = {
  meta: { name: 'eslint-plugin-skiff' },
  rules: { 'no-shell-outside-remote': noShellOutsideRemote },
};

export default plugin;
