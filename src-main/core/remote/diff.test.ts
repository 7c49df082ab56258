import { describe, expect, it } from 'vitest';
import { lineDiff, unifiedDiff } from './diff';

describe('lineDiff', () => {
  it('keeps common lines and marks removed and added ones', () => {
    expect(lineDiff('a\nb\nc\n', 'a\nB\nc\nd\n')).toEqual([' a', '-b', '+B', ' c', '+d']);
  });
  it('shows a new file as all additions', () => {
    expect(unifiedDiff('/etc/x', null, 'one\ntwo\n')).toBe('--- /dev/null\n+++ /etc/x (new file)\n+one\n+two\n');
  });
  it('shows an unchanged file without markers', () => {
    expect(lineDiff('same\n', 'same\n')).toEqual([' same']);
  });
});
