import type { SeededRandom } from './seeded-random';

/**
 * Deterministic text for generated Claude Code transcripts: identifiers, prompts and a source
 * "corpus" that big tool results are sliced from (slicing a prebuilt string keeps a 1 GB tree
 * fast to write). The text avoids `:null`, which some readers treat specially.
 */

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const HEX = '0123456789abcdef';

const WORDS = [
  'session',
  'token',
  'cache',
  'request',
  'handler',
  'parser',
  'offset',
  'buffer',
  'stream',
  'record',
  'config',
  'retry',
  'window',
  'schema',
  'import',
  'export',
  'result',
  'payload',
  'cursor',
  'metric',
];

const PROMPTS = [
  'Fix the failing test in the parser and explain the cause',
  'Add a retry with backoff to the upload client',
  'Refactor the config loader so that invalid values stop start-up',
  'Why does the cursor skip a page when the list changes?',
  'Write unit tests for the session summary calculation',
  'Rename the metric labels to snake_case everywhere',
  'Find where the cache entry is evicted too early',
  'Review this diff for race conditions',
];

export const SUBAGENT_TYPES = ['Explore', 'general-purpose', 'Plan', 'code-reviewer'] as const;

export class TranscriptText {
  /** numbered source lines, as Claude Code's Read tool returns them */
  readonly corpus: string;

  constructor(private readonly random: SeededRandom) {
    const lines: string[] = [];
    for (let n = 1, length = 0; length < 1_200_000; n += 1) {
      const line = `${String(n).padStart(6, ' ')}\u2192${this.codeLine()}`;
      lines.push(line);
      length += line.length + 1;
    }
    this.corpus = lines.join('\n');
  }

  uuid(): string {
    const h = this.hex(32).split('');
    h[12] = '4';
    h[16] = HEX[8 + this.random.int(0, 3)];
    const s = h.join('');
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
  }

  hex(length: number): string {
    let out = '';
    for (let i = 0; i < length; i += 1) out += HEX[this.random.int(0, 15)];
    return out;
  }

  base62(length: number): string {
    let out = '';
    for (let i = 0; i < length; i += 1) out += BASE62[this.random.int(0, 61)];
    return out;
  }

  messageId(): string {
    return `msg_01${this.base62(22)}`;
  }

  requestId(): string {
    return `req_011C${this.base62(20)}`;
  }

  toolUseId(): string {
    return `toolu_01${this.base62(22)}`;
  }

  prompt(): string {
    return this.random.pick(PROMPTS);
  }

  sentence(words: number): string {
    const out: string[] = [];
    for (let i = 0; i < words; i += 1) out.push(this.random.pick(WORDS));
    return `${out.join(' ')}.`;
  }

  /** `bytes` characters of numbered source, starting at a line of the corpus */
  source(bytes: number): string {
    const max = Math.max(0, this.corpus.length - bytes - 1);
    let start = this.random.int(0, max);
    const lineStart = this.corpus.lastIndexOf('\n', start);
    start = lineStart < 0 ? 0 : lineStart + 1;
    return this.corpus.slice(start, start + bytes);
  }

  private codeLine(): string {
    const a = this.random.pick(WORDS);
    const b = this.random.pick(WORDS);
    switch (this.random.int(0, 4)) {
      case 0:
        return `export function ${a}${cap(b)}(input: ${cap(a)}): ${cap(b)} {`;
      case 1:
        return `  const ${a} = await this.${b}.get('${a}-${this.random.int(0, 999)}');`;
      case 2:
        return `  if (${a}.length > ${this.random.int(1, 4096)}) return ${b};`;
      case 3:
        return `  // keeps the ${a} until the ${b} is flushed`;
      default:
        return '}';
    }
  }
}

function cap(word: string): string {
  return word[0].toUpperCase() + word.slice(1);
}
