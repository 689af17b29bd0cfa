/** The loopback ports one broker listens on. */
export interface KafkaPorts {
  /** clients (PLAINTEXT listener) */
  port: number;
  /** the KRaft controller quorum, internal to the single node */
  controllerPort: number;
}

function toProperties(entries: Record<string, string | number>): string {
  return Object.entries(entries)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n')
    .concat('\n');
}

/** A single node that is both broker and KRaft controller, replicated nowhere. */
export function renderServerProperties(
  ports: KafkaPorts,
  logDir: string,
  partitions: number,
): string {
  return toProperties({
    'process.roles': 'broker,controller',
    'node.id': 1,
    'controller.quorum.voters': `1@127.0.0.1:${ports.controllerPort}`,
    listeners: `PLAINTEXT://127.0.0.1:${ports.port},CONTROLLER://127.0.0.1:${ports.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${ports.port}`,
    'controller.listener.names': 'CONTROLLER',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'log.dirs': logDir,
    'offsets.topic.replication.factor': 1,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'num.partitions': partitions,
    // Consumers in tests and local runs should get partitions at once, not after 3 s.
    'group.initial.rebalance.delay.ms': 0,
    // Topics are created on purpose (ensureTopic) so that a typo fails instead of creating one.
    'auto.create.topics.enable': 'false',
  });
}

/** Warnings and the broker's start-up steps go to one file, nothing to the console. */
export function renderLog4jProperties(logFile: string): string {
  return toProperties({
    'log4j.rootLogger': 'WARN, file',
    'log4j.appender.file': 'org.apache.log4j.FileAppender',
    'log4j.appender.file.File': logFile,
    'log4j.appender.file.layout': 'org.apache.log4j.PatternLayout',
    'log4j.appender.file.layout.ConversionPattern': '[%d] %p %m (%c)%n',
    'log4j.logger.kafka.server.BrokerServer': 'INFO',
  });
}
