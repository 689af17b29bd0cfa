/** Commands that local services need are not installed, and this process may not install them. */
export class PrerequisiteMissingError extends Error {
  constructor(
    /** the commands that were not found on PATH */
    readonly missing: string[],
    /** the command that installs them, e.g. `sudo apt-get install -y maven` */
    readonly installCommand: string,
    detail: string,
  ) {
    super(`missing prerequisites: ${detail}. Install them with: ${installCommand}`);
    this.name = 'PrerequisiteMissingError';
  }
}

/** A local service exited or did not become ready in time; the message ends with its log tail. */
export class ServiceStartError extends Error {
  constructor(
    readonly service: 'kafka' | 'redis',
    reason: string,
    /** the last lines the service wrote, to tell the caller what to fix */
    readonly logTail: string,
  ) {
    super(`${service} did not start: ${reason}\n--- last ${service} log lines ---\n${logTail}`);
    this.name = 'ServiceStartError';
  }
}
