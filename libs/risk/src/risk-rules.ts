import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import defaultRulesFile from './default-risk-rules.json';

export const RISK_LEVELS = ['low', 'medium', 'high', 'critical'] as const;
export const FILE_OPERATIONS = ['read', 'write', 'edit', 'delete'] as const;

export type RiskLevel = (typeof RISK_LEVELS)[number];
export type FileOperation = (typeof FILE_OPERATIONS)[number];

/** One entry of a rules file; the first rule whose operation and pattern match decides. */
export interface RiskRule {
  /** stable name, reported as `RiskAssessment.rule` */
  id: string;
  /** picomatch globs, matched case-insensitively (with dotfiles) against the normalised path */
  patterns: string[];
  /** operations the rule applies to; all when omitted */
  operations?: FileOperation[];
  level: RiskLevel;
  /** short human sentence shown beside the level */
  reason: string;
}

const RiskRuleSchema = z.strictObject({
  id: z.string().trim().min(1),
  patterns: z
    .array(
      z
        .string()
        .min(1)
        .refine((pattern) => !pattern.includes('\\'), {
          message: 'use forward slashes: paths are matched after turning \\ into /',
        }),
    )
    .min(1),
  operations: z.array(z.enum(FILE_OPERATIONS)).min(1).optional(),
  level: z.enum(RISK_LEVELS),
  reason: z.string().trim().min(1),
});

const RiskRulesFileSchema = z
  .object(
    { rules: z.array(RiskRuleSchema) },
    { error: 'expected an object like { "rules": [ ... ] }' },
  )
  .superRefine(({ rules }, ctx) => {
    const seen = new Map<string, number>();
    rules.forEach((rule, index) => {
      const first = seen.get(rule.id);
      if (first === undefined) seen.set(rule.id, index);
      else
        ctx.addIssue({
          code: 'custom',
          path: ['rules', index, 'id'],
          message: `duplicate id "${rule.id}" (first used by rules[${first}])`,
        });
    });
  });

/**
 * Validates the parsed content of a rules file (`{ "rules": [...] }`). Throws an Error naming
 * `source` and, for each problem, the rule index, its id when known, and the field.
 */
export function parseRiskRules(content: unknown, source: string): RiskRule[] {
  const parsed = RiskRulesFileSchema.safeParse(content);
  if (parsed.success) return parsed.data.rules;
  const problems = parsed.error.issues.map(
    (issue) => `${describePath(content, issue.path)}: ${issue.message}`,
  );
  throw new Error(`invalid risk rules in ${source}: ${problems.join('; ')}`);
}

function describePath(content: unknown, path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'top level';
  return path
    .map((key, i) => {
      if (typeof key !== 'number') return i === 0 ? String(key) : `.${String(key)}`;
      const id = i === 1 && path[0] === 'rules' ? ruleIdAt(content, key) : undefined;
      return id === undefined ? `[${key}]` : `[${key}] (id "${id}")`;
    })
    .join('');
}

function ruleIdAt(content: unknown, index: number): string | undefined {
  const rules = (content as { rules?: unknown } | null)?.rules;
  const rule: unknown = Array.isArray(rules) ? rules[index] : undefined;
  const id = (rule as { id?: unknown } | null)?.id;
  return typeof id === 'string' && id.trim() !== '' ? id : undefined;
}

/** The bundled rules (default-risk-rules.json), validated once at load. */
export const DEFAULT_RISK_RULES: readonly RiskRule[] = Object.freeze(
  parseRiskRules(defaultRulesFile, 'default-risk-rules.json').map((rule) => {
    Object.freeze(rule.patterns);
    if (rule.operations) Object.freeze(rule.operations);
    return Object.freeze(rule);
  }),
);

/**
 * Reads and validates a user rules file (same shape as default-risk-rules.json), which replaces
 * the defaults; without a file, returns a copy of {@link DEFAULT_RISK_RULES}.
 */
export function loadRiskRules(file?: string): RiskRule[] {
  if (file === undefined) return structuredClone([...DEFAULT_RISK_RULES]);
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read risk rules file ${path}: ${(error as Error).message}`);
  }
  let content: unknown;
  try {
    content = JSON.parse(text);
  } catch (error) {
    throw new Error(`invalid JSON in risk rules file ${path}: ${(error as Error).message}`);
  }
  return parseRiskRules(content, path);
}
