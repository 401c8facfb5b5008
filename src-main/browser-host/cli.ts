import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startTrainingCentral, trainingDataDirectory } from '../../central/training';
import { createCore } from '../core/app';
import { databaseKey } from '../core/store/key';
import { createLogger } from '../core/log';
import { defaultDataDirectory } from '../core/paths';
import { chooseCentralUrl, readMachineConfig, type MachineConfigState } from '../core/settings/machine-config';
import { readPreferences } from '../core/settings/preferences';
import { prepareBrowserHostKey } from './key-location';
import { startBrowserHost } from './server';
import { sourcePageWriterWorker } from '../core/sync/page-writer-source';

/**
 * `npm run start:browser [-- --port 8080 --data-dir DIR]`: the app in a browser, for
 * machines without the Electron binary. Prints a URL with a one-time launch code.
 */
const projectRoot = resolve(import.meta.dirname, '../..');

function usage(message: string): never {
  process.stderr.write(
    `${message}\nUso: npm run start:browser -- [--port N] [--host 127.0.0.1] [--data-dir CARTELLA] [--central URL] [--machine-config FILE]\n`,
  );
  process.exit(2);
}

async function main() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string', default: '0' },
        host: { type: 'string', default: '127.0.0.1' },
        'data-dir': { type: 'string' },
        central: { type: 'string' },
        // The machine-wide configuration to apply (Electron reads the OS location; here it is explicit).
        'machine-config': { type: 'string' },
      },
    }));
  } catch (error) {
    usage((error as Error).message);
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) usage(`Porta non valida: ${values.port}`);
  const rendererDirectory = join(projectRoot, 'out/renderer');
  if (!existsSync(join(rendererDirectory, 'index.html'))) usage('Manca out/renderer: eseguire prima `npm run build`.');

  const baseDirectory = resolve(
    values['data-dir'] ?? process.env.SPORTELLO_DATA_DIR ?? defaultDataDirectory('sportello-identificazione-browser'),
  );
  const version = (JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;
  const bootLogger = createLogger({ stderr: false });
  const machineConfigFile = values['machine-config'] ?? process.env.SPORTELLO_MACHINE_CONFIG;
  const machine: MachineConfigState = machineConfigFile ? readMachineConfig(resolve(machineConfigFile)) : { status: 'absent', path: '' };
  const configuredCentral = chooseCentralUrl(
    machine,
    values.central,
    process.env.SPORTELLO_CENTRAL_URL,
    readPreferences(baseDirectory, bootLogger).centralUrl,
  );
  // No central service configured: training mode with the embedded reference service.
  const training = configuredCentral || machine.status === 'invalid' ? null : await startTrainingCentral(baseDirectory);
  const dataDirectory = training ? trainingDataDirectory(baseDirectory) : baseDirectory;
  const logFile = join(dataDirectory, 'logs', 'browser-host.log');
  const logger = createLogger({ file: logFile });
  const core = createCore({
    dataDirectory,
    logFile,
    version,
    mode: training ? 'training' : 'production',
    logger,
    // With an invalid machine-wide file the core opens nothing and never calls this address.
    centralUrl: training?.url ?? configuredCentral ?? 'http://127.0.0.1:9',
    machineConfig: machine,
    databaseKey: databaseKey(prepareBrowserHostKey(dataDirectory, logger)),
    resourcesDirectory: join(projectRoot, 'resources'),
    preferencesDirectory: baseDirectory,
    pageWriterWorker: sourcePageWriterWorker,
  });
  let host;
  try {
    host = await startBrowserHost({ core, logger, rendererDirectory, host: values.host, port });
  } catch (error) {
    usage((error as Error).message);
  }
  process.stdout.write(`Sportello Identificazione (host browser) pronto.\nAprire: ${host.issueLaunchUrl()}\n`);
  const stop = async () => {
    await host.close();
    await core.close();
    await training?.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
