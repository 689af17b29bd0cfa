import { connect } from 'node:net';

/** Decides on the bytes received so far: true/false when settled, undefined to wait for more. */
export type AnswerJudge = (received: Buffer) => boolean | undefined;

/**
 * Sends `request` to a loopback port and judges the answer. Any failure (refused, reset,
 * closed early, `timeoutMs` elapsed) counts as "not answering yet".
 */
export function probeTcp(
  port: number,
  request: Buffer,
  judge: AnswerJudge,
  timeoutMs = 1_000,
): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let received = Buffer.alloc(0);
    const settle = (answer: boolean): void => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(timeoutMs, () => settle(false));
    socket.once('error', () => settle(false));
    socket.once('close', () => settle(false));
    socket.once('connect', () => socket.write(request));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const verdict = judge(received);
      if (verdict !== undefined) settle(verdict);
    });
  });
}
