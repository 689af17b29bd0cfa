import { createReadStream } from 'node:fs';

const NEWLINE = 0x0a;

/**
 * Reads the complete lines of `file` between byte `start` and `end`, calling `onLine` with each
 * line's text and the offset just after its newline (awaited, so a slow consumer slows the
 * reading). Returns the bytes after the last newline: an unterminated tail the caller decides
 * about. `stop()` returning true ends the reading after the current line.
 */
export async function readLines(
  file: string,
  start: number,
  end: number,
  onLine: (text: string, after: number) => void | Promise<void>,
  stop: () => boolean = () => false,
): Promise<Buffer> {
  if (end <= start) return Buffer.alloc(0);
  let carry: Buffer = Buffer.alloc(0);
  let offset = start;
  const stream = createReadStream(file, { start, end: end - 1, highWaterMark: 1024 * 1024 });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let from = 0;
      for (let nl = chunk.indexOf(NEWLINE, from); nl !== -1; nl = chunk.indexOf(NEWLINE, from)) {
        const piece = chunk.subarray(from, nl);
        const line = carry.length > 0 ? Buffer.concat([carry, piece]) : piece;
        carry = Buffer.alloc(0);
        offset += line.length + 1;
        from = nl + 1;
        await onLine(line.toString('utf8'), offset);
        if (stop()) return Buffer.alloc(0);
      }
      carry = Buffer.concat([carry, chunk.subarray(from)]);
    }
  } finally {
    stream.destroy();
  }
  return carry;
}
