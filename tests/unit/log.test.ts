import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src-main/core/log';

const folders: string[] = [];
afterEach(() => folders.splice(0).forEach((folder) => rmSync(folder, { recursive: true, force: true })));

describe('log file', () => {
  it('rotates by size, keeping a bounded number of old files (#18: never appended forever)', () => {
    const folder = mkdtempSync(join(tmpdir(), 'sportello-log-'));
    folders.push(folder);
    const file = join(folder, 'logs', 'main.log');
    const logger = createLogger({ file, maxBytes: 2_000, keep: 2 });
    for (let i = 0; i < 200; i++) logger.info('sync.pushed', { opId: `op-${i}`, attempts: 1 });
    expect(existsSync(file)).toBe(true);
    expect(existsSync(`${file}.1`)).toBe(true);
    expect(existsSync(`${file}.2`)).toBe(true);
    expect(existsSync(`${file}.3`)).toBe(false);
    for (const path of [file, `${file}.1`, `${file}.2`]) expect(statSync(path).size).toBeLessThanOrEqual(2_000);
    // The newest line is in the current file, whole.
    expect(readFileSync(file, 'utf8').trim().split('\n').at(-1)).toContain('"opId":"op-199"');
  });
});
