import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findFreePort, isPortFree } from './free-port';
import type { KafkaPorts } from './kafka-config';
import { ServiceStartError } from './local-infra-errors';

const PORTS_FILE = 'ports.json';

async function readPreviousPorts(dataDir: string): Promise<Partial<KafkaPorts>> {
  try {
    return JSON.parse(await readFile(join(dataDir, PORTS_FILE), 'utf8')) as Partial<KafkaPorts>;
  } catch {
    return {};
  }
}

async function reusable(port: number | undefined, taken: number[]): Promise<number | undefined> {
  if (port === undefined || taken.includes(port)) return undefined;
  return (await isPortFree(port)) ? port : undefined;
}

async function freePortOtherThan(taken: number[]): Promise<number> {
  for (;;) {
    const candidate = await findFreePort();
    if (!taken.includes(candidate)) return candidate;
  }
}

/**
 * The broker's ports: `requestedPort` when given, otherwise the ones this data directory used
 * last time if they are still free (clients configured earlier keep working), otherwise new
 * free ones. The choice is saved in `<dataDir>/ports.json`.
 */
export async function chooseKafkaPorts(
  dataDir: string,
  requestedPort: number | undefined,
): Promise<KafkaPorts> {
  const previous = await readPreviousPorts(dataDir);
  if (requestedPort !== undefined && !(await isPortFree(requestedPort))) {
    throw new ServiceStartError('kafka', `port ${requestedPort} is already in use`, '');
  }
  const port =
    requestedPort ?? (await reusable(previous.port, [])) ?? (await freePortOtherThan([]));
  const controllerPort =
    (await reusable(previous.controllerPort, [port])) ?? (await freePortOtherThan([port]));
  const ports: KafkaPorts = { port, controllerPort };
  await writeFile(join(dataDir, PORTS_FILE), JSON.stringify(ports, null, 2));
  return ports;
}
