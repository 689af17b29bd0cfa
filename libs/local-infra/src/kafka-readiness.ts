import { probeTcp } from './tcp-probe';

const API_VERSIONS_KEY = 18;
const CORRELATION_ID = 0x4150;
const CLIENT_ID = Buffer.from('agentpulse-local-infra');
const PROBE_TIMEOUT_MS = 500;

/** A v0 ApiVersions request: the one request every Kafka broker answers before any other. */
function apiVersionsRequest(): Buffer {
  const header = Buffer.alloc(10);
  header.writeInt16BE(API_VERSIONS_KEY, 0);
  header.writeInt16BE(0, 2);
  header.writeInt32BE(CORRELATION_ID, 4);
  header.writeInt16BE(CLIENT_ID.length, 8);
  const size = Buffer.alloc(4);
  size.writeInt32BE(header.length + CLIENT_ID.length);
  return Buffer.concat([size, header, CLIENT_ID]);
}

/**
 * Ready once the client port answers a Kafka request. Neither weaker signal will do: Kafka
 * binds its listener early and serves requests only at the end of start-up, and it logs
 * "Transition from STARTING to STARTED" even on its way down after a failed start-up.
 */
export function isBrokerReady(port: number): Promise<boolean> {
  return probeTcp(
    port,
    apiVersionsRequest(),
    (received) => {
      if (received.length < 10) return undefined;
      return received.readInt32BE(4) === CORRELATION_ID && received.readInt16BE(8) === 0;
    },
    PROBE_TIMEOUT_MS,
  );
}
