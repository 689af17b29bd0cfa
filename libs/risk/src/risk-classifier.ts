import { posix } from 'node:path';
import picomatch from 'picomatch';
import type { FileOperation, RiskLevel, RiskRule } from './risk-rules';

export interface RiskAssessment {
  level: RiskLevel;
  reason: string;
  /** id of the rule that decided; absent for the low default */
  rule?: string;
}

const GLOB_OPTIONS: picomatch.PicomatchOptions = { dot: true, nocase: true, windows: false };

interface CompiledRule {
  id: string;
  operations: ReadonlySet<FileOperation> | undefined;
  matches: (path: string) => boolean;
  level: RiskLevel;
  reason: string;
}

/**
 * Classifies the risk of a file operation with an ordered rule list: the first rule whose
 * operations include the operation and one of whose patterns matches the path wins; otherwise
 * low ("no rule matched"). Globs are compiled once here; `classify` does no I/O.
 */
export class RiskClassifier {
  private readonly rules: readonly CompiledRule[];

  constructor(rules: readonly RiskRule[]) {
    this.rules = rules.map((rule) => ({
      id: rule.id,
      operations: rule.operations ? new Set(rule.operations) : undefined,
      matches: picomatch([...rule.patterns], GLOB_OPTIONS),
      level: rule.level,
      reason: rule.reason,
    }));
  }

  classify(path: string, operation: FileOperation): RiskAssessment {
    const normalised = normaliseRiskPath(path);
    if (normalised !== '') {
      for (const rule of this.rules) {
        if (rule.operations && !rule.operations.has(operation)) continue;
        if (rule.matches(normalised))
          return { level: rule.level, reason: rule.reason, rule: rule.id };
      }
    }
    return { level: 'low', reason: 'no rule matched' };
  }
}

/**
 * The form of a path the rule globs see: backslashes become slashes, `.`/`..` segments and
 * repeated or trailing slashes are resolved (`/home/u/../../etc/x` → `/etc/x`), and leading
 * `../` segments are dropped (picomatch's `**` never matches `..`, so `../../.env` is seen as
 * `.env`). Case is kept; matching ignores it.
 */
export function normaliseRiskPath(path: string): string {
  if (path.trim() === '') return '';
  const normalised = posix.normalize(path.replaceAll('\\', '/')).replace(/^(?:\.\.\/)+/, '');
  return normalised.length > 1 && normalised.endsWith('/') ? normalised.slice(0, -1) : normalised;
}
