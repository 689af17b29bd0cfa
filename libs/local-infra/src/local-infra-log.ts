/** Where the library reports progress; shaped so that a thin adapter fits pino or Nest. */
export interface LocalInfraLog {
  info(msg: string, fields?: object): void;
  warn(msg: string, fields?: object): void;
}

/** The default: local services start silently unless the caller passes a log. */
export const silentLog: LocalInfraLog = {
  info: () => undefined,
  warn: () => undefined,
};
