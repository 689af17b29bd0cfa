/**
 * OpenCode's records as both of its stores hold them, checked field by field (the shapes vary
 * between versions): a session (SQLite columns, or `storage/session/<project>/<id>.json`),
 * a message (`message.data`, or `storage/message/<session>/<id>.json`) and a part of a message
 * (`part.data`, or `storage/part/<message>/<id>.json`).
 */

export type Json = Record<string, unknown>;

export interface SessionRecord {
  id: string;
  parentID?: string;
  title?: string;
  directory?: string;
  /** the agent a sub-agent session runs (newer versions keep it on the session) */
  agent?: string;
  created?: number;
  updated?: number;
}

export interface TokenRecord {
  input: number;
  output: number;
  reasoning: number;
  cacheRead: number;
  cacheWrite: number;
}

export interface MessageRecord {
  id: string;
  sessionID: string;
  role: 'user' | 'assistant';
  created?: number;
  completed?: number;
  failed: boolean;
  agent?: string;
  modelID?: string;
  providerID?: string;
  cost?: number;
  tokens?: TokenRecord;
}

export interface ToolState {
  status: 'pending' | 'running' | 'completed' | 'error';
  input?: unknown;
  title?: string;
  error?: string;
  start?: number;
  end?: number;
}

export interface PartRecord {
  id: string;
  sessionID: string;
  messageID: string;
  type: string;
  text?: string;
  synthetic: boolean;
  callID?: string;
  tool?: string;
  state?: ToolState;
}

export const isJson = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value.length > 0 ? value : undefined;

const num = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;

const tokenCount = (value: unknown): number => Math.max(0, Math.floor(num(value) ?? 0));

/** Raised for a record that lacks what every event needs; reported, then skipped. */
export class UnusableRecordError extends Error {}

function required(record: Json, field: string, kind: string): string {
  const value = str(record[field]);
  if (!value) throw new UnusableRecordError(`${kind} without ${field}`);
  return value;
}

export function readSession(record: Json): SessionRecord {
  const time = isJson(record.time) ? record.time : {};
  return {
    id: required(record, 'id', 'session'),
    parentID: str(record.parentID),
    title: str(record.title),
    directory: str(record.directory),
    agent: str(record.agent),
    created: num(time.created),
    updated: num(time.updated),
  };
}

export function readMessage(record: Json): MessageRecord {
  const role = record.role;
  if (role !== 'user' && role !== 'assistant') {
    throw new UnusableRecordError(
      `message role ${JSON.stringify(role)} is neither user nor assistant`,
    );
  }
  const time = isJson(record.time) ? record.time : {};
  const model = isJson(record.model) ? record.model : {};
  const tokens = isJson(record.tokens) ? record.tokens : undefined;
  const cache = tokens && isJson(tokens.cache) ? tokens.cache : {};
  return {
    id: required(record, 'id', 'message'),
    sessionID: required(record, 'sessionID', 'message'),
    role,
    created: num(time.created),
    completed: num(time.completed),
    failed: record.error !== undefined && record.error !== null,
    agent: str(record.agent) ?? str(record.mode),
    modelID: str(record.modelID) ?? str(model.modelID),
    providerID: str(record.providerID) ?? str(model.providerID),
    cost: num(record.cost),
    tokens: tokens && {
      input: tokenCount(tokens.input),
      output: tokenCount(tokens.output),
      reasoning: tokenCount(tokens.reasoning),
      cacheRead: tokenCount(cache.read),
      cacheWrite: tokenCount(cache.write),
    },
  };
}

const STATUSES = new Set(['pending', 'running', 'completed', 'error']);

export function readPart(record: Json): PartRecord {
  const part: PartRecord = {
    id: required(record, 'id', 'part'),
    sessionID: required(record, 'sessionID', 'part'),
    messageID: required(record, 'messageID', 'part'),
    type: required(record, 'type', 'part'),
    text: typeof record.text === 'string' ? record.text : undefined,
    synthetic: record.synthetic === true,
    callID: str(record.callID),
    tool: str(record.tool),
  };
  const state = isJson(record.state) ? record.state : undefined;
  if (part.type === 'tool' && state && STATUSES.has(String(state.status))) {
    const time = isJson(state.time) ? state.time : {};
    part.state = {
      status: state.status as ToolState['status'],
      input: state.input,
      title: str(state.title),
      error: str(state.error),
      start: num(time.start),
      end: num(time.end),
    };
  }
  return part;
}
