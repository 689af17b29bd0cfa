import { createServer, type Server } from 'node:net';

const LOOPBACK = '127.0.0.1';

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host: LOOPBACK, port, exclusive: true }, () => resolve(server));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** True when nothing listens on the loopback port, checked by binding it for a moment. */
export async function isPortFree(port: number): Promise<boolean> {
  try {
    await close(await listen(port));
    return true;
  } catch {
    return false;
  }
}

/** A free loopback port chosen by the kernel (port 0), released again for the caller. */
export async function findFreePort(): Promise<number> {
  const server = await listen(0);
  const address = server.address();
  await close(server);
  if (address === null || typeof address === 'string') {
    throw new Error('a loopback TCP server reported no port');
  }
  return address.port;
}
