// Skiff's lint rules: `skiff/no-shell-outside-remote` on its own (RuleTester), then the whole
// eslint.config.js on snippets placed in different folders: where the shell rule is off, and the
// layering bans of docs/layout.md.
import { ESLint, RuleTester } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import skiff from '../../eslint-rules/skiff.js';

// RuleTester makes its own describe/it blocks; vitest's are not globals here.
RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

const ruleTester = new RuleTester({ languageOptions: { parser: tseslint.parser } });
const assembled = [{ messageId: 'assembled' }];

ruleTester.run('skiff/no-shell-outside-remote', skiff.rules['no-shell-outside-remote'], {
  valid: [
    'ctx.exec(ssh, script.text)',
    'ctx.exec(ssh, helper(access, "ufw-status").text, { check: false })',
    'runScript(ssh, FACTS_SCRIPT.text, { check: true })',
    'runScript(ssh, script)',
    "runScript(ssh, 'uname -m', { check: true })",
    'runScript(ssh, `static text, no values`)',
    'runScript(ssh, sh`rm ${x}`.text)',
    // The script is the second argument: the first (a regex's input, the VM harness's script) is not looked at.
    'const m = /exit (\\d+)/.exec(`${a} ${b}`)',
    'client.exec(command, (err, stream) => {})',
    'ctx.exec(ssh, n + 1)',
  ],
  invalid: [
    { code: 'ctx.exec(ssh, `rm ${x}`)', errors: assembled },
    { code: "runScript(ssh, 'a ' + b)", errors: assembled },
    { code: 'exec(ssh, `rm -rf ${dir}`, { check: false })', errors: assembled },
    { code: "ctx.exec(ssh, helper(access, 'sshd-test').text + ' 2>&1', { check: false })", errors: assembled },
    { code: 'ctx?.exec(ssh, a + `-${b}`)', errors: assembled },
    { code: 'runScript(ssh, (`ls ${x}` as string)!)', errors: assembled },
  ],
});

describe('eslint.config.js', () => {
  const eslint = new ESLint({ cwd: process.cwd() });
  const problems = async (code: string, filePath: string) => {
    const [result] = await eslint.lintText(code, { filePath });
    return result.messages.map((m) => m.ruleId);
  };
  const shell = 'declare const ctx: { exec(a: unknown, b: string): void }, ssh: unknown, x: string;\nctx.exec(ssh, `rm ${x}`);\n';

  it('finds shell assembled in ops and handlers, not in core/remote or the test harness', async () => {
    expect(await problems(shell, 'src-main/core/ops/some.ts')).toEqual(['skiff/no-shell-outside-remote']);
    expect(await problems(shell, 'src-main/handlers/some.ts')).toEqual(['skiff/no-shell-outside-remote']);
    expect(await problems(shell, 'src-main/core/remote/scripts/some.ts')).toEqual([]);
    expect(await problems(shell, 'e2e/vps/some.ts')).toEqual([]);
    expect(await problems(shell, 'tests/integration/some.ts')).toEqual([]);
    expect(await problems(shell, 'src-main/core/ops/some.test.ts')).toEqual([]);
  }, 30_000);

  it('bans imports across the layers', async () => {
    const banned = ['no-restricted-imports'];
    expect(await problems("import 'node:fs';\n", 'src-shared/some.ts')).toEqual(banned);
    expect(await problems("import 'react';\n", 'src-shared/some.ts')).toEqual(banned);
    expect(await problems("import '../src-main/core/skiffCore';\n", 'src-shared/some.ts')).toEqual(banned);
    expect(await problems("import 'electron';\n", 'src-main/core/ssh/some.ts')).toEqual(banned);
    expect(await problems("import '../../hosts/browser/server';\n", 'src-main/core/ops/some.ts')).toEqual(banned);
    expect(await problems("import '../handlers/index';\n", 'src-main/core/some.ts')).toEqual(banned);
    expect(await problems("import 'electron';\n", 'src-main/handlers/some.ts')).toEqual(banned);
    expect(await problems("import 'path';\n", 'src-renderer/src/some.ts')).toEqual(banned);
    expect(await problems("import 'electron';\n", 'src-renderer/src/some.ts')).toEqual(banned);
    expect(await problems("export type { Server } from '../../src-main/core/store/serverStore';\n", 'src-renderer/src/some.ts')).toEqual(banned);
    // Allowed: Node in core, electron in its host, the contract from anywhere.
    expect(await problems("import 'node:fs';\n", 'src-main/core/ssh/some.ts')).toEqual([]);
    expect(await problems("import 'electron';\n", 'src-main/hosts/electron/some.ts')).toEqual([]);
    expect(await problems("import 'electron';\n", 'src-main/preload/some.ts')).toEqual([]);
    expect(await problems("import '../../src-shared/contract';\n", 'src-renderer/src/some.ts')).toEqual([]);
  }, 30_000);
});
