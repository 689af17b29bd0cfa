/**
 * The parts of a Claude Code transcript line (`projects/<project>/<session>.jsonl`) the importer
 * reads. Everything is optional: the format is undocumented and varies between versions, so the
 * parser checks each field's type before use instead of trusting a shape.
 */
export interface TranscriptLine {
  type?: string;
  sessionId?: string;
  timestamp?: string;
  uuid?: string;
  cwd?: string;
  isSidechain?: boolean;
  isMeta?: boolean;
  agentId?: string;
  requestId?: string;
  costUSD?: number;
  summary?: string;
  message?: TranscriptMessage;
  /** `progress` lines: a sub-agent's entry relayed into the parent transcript */
  data?: { type?: string; agentId?: string; message?: TranscriptLine };
}

export interface TranscriptMessage {
  id?: string;
  role?: string;
  model?: string;
  content?: string | ContentBlock[];
  usage?: AnthropicUsage;
  /** set on a response's last streamed entry only */
  stop_reason?: string | null;
}

export interface ContentBlock {
  type?: string;
  text?: string;
  /** tool_use */
  id?: string;
  name?: string;
  input?: unknown;
  /** tool_result */
  tool_use_id?: string;
  content?: string | ContentBlock[];
  is_error?: boolean;
}

/** Anthropic's usage block: `input_tokens` already excludes cache reads and writes. */
export interface AnthropicUsage {
  input_tokens?: number;
  output_tokens?: number;
  cache_read_input_tokens?: number;
  cache_creation_input_tokens?: number;
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.length > 0 ? value : undefined;

export const count = (value: unknown): number =>
  typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;

/** The blocks of a message's content (a plain string is one text block). */
export function contentBlocks(content: TranscriptMessage['content']): ContentBlock[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return Array.isArray(content) ? content.filter(isRecord) : [];
}

/** The text of a content value, its text blocks joined. */
export function contentText(content: TranscriptMessage['content']): string {
  return contentBlocks(content)
    .filter((b) => b.type === 'text' && typeof b.text === 'string')
    .map((b) => b.text)
    .join('\n');
}

/** Cuts long text for titles, summaries and message content; ingest need not store megabytes. */
export function truncate(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, max - 1)}…`;
}
