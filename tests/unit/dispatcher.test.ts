import { afterEach, describe, expect, it } from 'vitest';
import { operationNames } from '../../shared/contract';
import { createDispatcher, type OperationHandlers } from '../../src-main/core/rpc/dispatcher';
import { ServiceFailure } from '../../src-main/core/rpc/failures';
import { createMemoryLogger } from '../../src-main/core/log';
import { createTestCore } from '../fixtures/core';

const info = {
  productName: 'P',
  version: '1',
  mode: 'training' as const,
  dataDirectory: '/d',
  locale: 'it' as const,
  storeError: null,
  configError: null,
  machineOffice: null,
  updateReady: null,
  updateMode: 'not-installed' as const,
};

function dispatcherWith(overrides: Partial<OperationHandlers>) {
  const logger = createMemoryLogger();
  const unused = Object.fromEntries(
    operationNames.map((name) => [name, () => Promise.reject(new Error(`${name} not used here`))]),
  ) as unknown as OperationHandlers;
  const handlers: OperationHandlers = { ...unused, 'app.info': () => info, 'app.setLocale': () => info, ...overrides };
  return { dispatch: createDispatcher(handlers, logger), logger };
}

describe('dispatcher', () => {
  it('answers an unknown operation with a typed error, not an exception', async () => {
    const { dispatch } = dispatcherWith({});
    expect(await dispatch('app.nope', {})).toEqual({
      ok: false,
      error: { code: 'unknown-operation', message: 'Operazione sconosciuta.', text: { key: 'transport.unknown-operation' } },
    });
    expect(await dispatch('__proto__', {})).toMatchObject({ ok: false, error: { code: 'unknown-operation' } });
  });

  it('rejects invalid input with code validation and the failing paths, before the handler runs', async () => {
    let called = false;
    const { dispatch } = dispatcherWith({ 'app.setLocale': () => ((called = true), info) });
    const result = await dispatch('app.setLocale', { locale: 'fr' });
    expect(result).toMatchObject({ ok: false, error: { code: 'validation', paths: ['locale'] } });
    expect(result.ok ? '' : result.error.message).toMatch(/^Dati non validi: locale/);
    expect(await dispatch('app.setLocale', { locale: 'it', extra: 1 })).toMatchObject({ ok: false, error: { code: 'validation' } });
    expect(await dispatch('app.setLocale', 'it')).toMatchObject({ ok: false, error: { code: 'validation', paths: ['(radice)'] } });
    expect(called).toBe(false);
  });

  it('turns a thrown bug into code internal, with details only in the log', async () => {
    const { dispatch, logger } = dispatcherWith({
      'app.info': () => {
        throw new TypeError('secret detail');
      },
    });
    const result = await dispatch('app.info', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(JSON.stringify(result)).not.toContain('secret detail');
    expect(logger.lines).toContainEqual(
      expect.objectContaining({ level: 'error', event: 'operation.failed', operation: 'app.info', error: 'TypeError' }),
    );
  });

  it('passes a ServiceFailure through as a business error with its Italian message', async () => {
    const { dispatch } = dispatcherWith({
      'app.info': () => {
        throw new ServiceFailure('central-unreachable', { key: 'service.central-unreachable', params: { offlineDays: 7 } });
      },
    });
    expect(await dispatch('app.info', {})).toEqual({
      ok: false,
      error: {
        code: 'central-unreachable',
        message: expect.stringMatching(/^Servizio centrale non raggiungibile\. .* ultimi 7 giorni/),
        text: { key: 'service.central-unreachable', params: { offlineDays: 7 } },
      },
    });
  });
});

describe('core: app.info and app.setLocale', () => {
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(async () => cleanup?.());

  it('reports product, version, mode, data folder and locale, and persists a locale change', async () => {
    const test = createTestCore();
    cleanup = test.cleanup;
    const events: unknown[] = [];
    test.core.events.subscribe((event) => events.push(event));

    expect(await test.core.dispatch('app.info', {})).toEqual({
      ok: true,
      value: {
        productName: 'Sportello Identificazione',
        version: '0.0.0-test',
        mode: 'training',
        dataDirectory: test.dataDirectory,
        locale: 'it',
        storeError: null,
        configError: null,
        machineOffice: null,
        updateReady: null,
        updateMode: 'not-installed' as const,
      },
    });
    expect(await test.core.dispatch('app.setLocale', { locale: 'en' })).toMatchObject({ ok: true, value: { locale: 'en' } });
    expect(events).toEqual([{ name: 'app.localeChanged', payload: { locale: 'en' } }]);

    // A new core on the same folder (an app restart) keeps the choice.
    await test.core.close();
    const again = createTestCore({ dataDirectory: test.dataDirectory, databaseKey: test.databaseKey });
    expect(await again.core.dispatch('app.info', {})).toMatchObject({ ok: true, value: { locale: 'en' } });
    await again.core.close();
  });
});
