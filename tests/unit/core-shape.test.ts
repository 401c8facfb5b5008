import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { operationNames, operations, serviceErrorCodes } from '../../shared/contract';
import type { OperationHandlers } from '../../src-main/core/rpc/dispatcher';
import { failures } from '../../src-main/core/rpc/failures';
import { sessionHandlers } from '../../src-main/core/session/handlers';

/**
 * The shape a newcomer relies on (issue "Core by feature"): behaviour lives in one
 * folder per capability, the composition root only wires, the wizard is a store and
 * a component per step.
 */
const root = join(import.meta.dirname, '../..');
const core = join(root, 'src-main/core');
const lines = (path: string) => readFileSync(path, 'utf8').trimEnd().split('\n').length;

function filesUnder(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('the core by feature', () => {
  it('keeps the composition root to wiring (≤150 lines)', () => {
    expect(lines(join(core, 'app.ts'))).toBeLessThanOrEqual(150);
  });

  it('has no core file over 400 lines, generated ones aside', () => {
    const large = filesUnder(core)
      .filter((path) => path.endsWith('.ts') && !path.endsWith('.generated.ts'))
      .filter((path) => lines(path) > 400)
      .map((path) => relative(root, path));
    expect(large).toEqual([]);
  });

  it('keeps behaviour in feature folders: at most 6 loose files in src-main/core', () => {
    const loose = readdirSync(core).filter((name) => name.endsWith('.ts'));
    expect(loose.length, loose.join(', ')).toBeLessThanOrEqual(6);
  });

  it('gives every operation of the contract an access policy', () => {
    for (const name of operationNames) expect(['public', 'operator', 'office-admin']).toContain(operations[name].access);
  });

  it('answers only codes the contract lists, each with one Italian message', () => {
    const made = [
      failures.notSignedIn(),
      failures.sessionLocked(),
      failures.forbidden(),
      failures.invalidCredentials(null),
      failures.wrongPassword('confirm', { attemptsLeft: 2 }),
      failures.signInDelayed(30_000),
      failures.centralUnreachable(7),
      failures.centralUnreachable(null),
      failures.offlineExpired(7),
      failures.requestNotFound(),
      failures.problemNotFound(),
      failures.storeUnavailable(null),
      failures.storeUnavailable({ code: 'wrong-key', text: { key: 'store.wrong-key' } }),
    ];
    for (const failure of made) {
      expect(serviceErrorCodes as readonly string[]).toContain(failure.code);
      expect(failure.message).toMatch(/[a-zà-ù]/);
    }
    expect(failures.notSignedIn().message).toBe(failures.notSignedIn().message);
  });

  it('fails the type-check when an operation has no handler', () => {
    const partial = (session: Parameters<typeof sessionHandlers>[0]) => {
      // @ts-expect-error: every operation of the contract needs its handler.
      const handlers: OperationHandlers = { ...sessionHandlers(session) };
      return handlers;
    };
    expect(typeof partial).toBe('function');
  });
});

describe('the wizard as steps and a store', () => {
  it('keeps WizardView.vue thin (≤300 lines) over a wizard store and one component per step', () => {
    const renderer = join(root, 'src-renderer');
    expect(lines(join(renderer, 'views/WizardView.vue'))).toBeLessThanOrEqual(300);
    expect(statSync(join(renderer, 'stores/wizard.ts')).isFile()).toBe(true);
    const steps = readdirSync(join(renderer, 'components/wizard')).filter((name) => name.endsWith('.vue'));
    expect(steps.length).toBeGreaterThanOrEqual(8);
  });
});
