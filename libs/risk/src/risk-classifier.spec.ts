import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_RISK_RULES,
  loadRiskRules,
  normaliseRiskPath,
  RiskClassifier,
  type FileOperation,
  type RiskLevel,
  type RiskRule,
} from './index';

type Case = [path: string, operation: FileOperation, level: RiskLevel, rule: string | undefined];

const classifier = new RiskClassifier(DEFAULT_RISK_RULES);

function expectCases(cases: Case[]): void {
  for (const [path, operation, level, rule] of cases) {
    const assessment = classifier.classify(path, operation);
    expect({ path, operation, level: assessment.level, rule: assessment.rule }).toEqual({
      path,
      operation,
      level,
      rule,
    });
  }
}

describe('RiskClassifier with the default rules', () => {
  it('secrets and credentials: critical to change, high to read', () => {
    expectCases([
      ['.env', 'write', 'critical', 'env-file-modify'],
      ['/a/b/.env', 'read', 'high', 'env-file-read'],
      ['C:\\x\\.env', 'edit', 'critical', 'env-file-modify'],
      ['apps/web/.env.production', 'delete', 'critical', 'env-file-modify'],
      ['.env.local', 'read', 'high', 'env-file-read'],
      ['certs/server.pem', 'write', 'critical', 'private-key-modify'],
      ['tls/server.key', 'read', 'high', 'private-key-read'],
      ['~/.ssh/id_rsa', 'read', 'high', 'private-key-read'],
      ['~/.ssh/id_rsa', 'write', 'critical', 'private-key-modify'],
      ['/home/me/.ssh/id_ed25519.pub', 'read', 'high', 'private-key-read'],
      ['~/.ssh/config', 'edit', 'critical', 'private-key-modify'],
      ['~/.ssh/authorized_keys', 'write', 'critical', 'private-key-modify'],
      ['signing/cert.p12', 'read', 'high', 'private-key-read'],
      ['signing/cert.pfx', 'delete', 'critical', 'private-key-modify'],
      ['android/release.keystore', 'edit', 'critical', 'private-key-modify'],
      ['android/app.jks', 'read', 'high', 'private-key-read'],
      ['.npmrc', 'write', 'critical', 'credentials-modify'],
      ['~/.pypirc', 'read', 'high', 'credentials-read'],
      ['/home/me/.netrc', 'edit', 'critical', 'credentials-modify'],
      ['~/.git-credentials', 'read', 'high', 'credentials-read'],
      ['gcp/credentials.json', 'write', 'critical', 'credentials-modify'],
      ['helm/secrets.yaml', 'read', 'high', 'credentials-read'],
      ['secrets.yml', 'edit', 'critical', 'credentials-modify'],
      ['~/.aws/credentials', 'delete', 'critical', 'credentials-modify'],
      ['ops/kubeconfig', 'read', 'high', 'kubeconfig-read'],
      ['~/.kube/config', 'write', 'critical', 'kubeconfig-modify'],
    ]);
  });

  it('example environment files are low to read or change and medium to delete', () => {
    expectCases([
      ['.env.example', 'read', 'low', 'env-template'],
      ['.env.example', 'write', 'low', 'env-template'],
      ['apps/api/.env.sample', 'edit', 'low', 'env-template'],
      ['.env.template', 'delete', 'medium', 'env-template-delete'],
    ]);
  });

  it('shell and CI configuration: high to change, low to read', () => {
    expectCases([
      ['~/.bashrc', 'edit', 'high', 'shell-profile-modify'],
      ['/home/me/.zshrc', 'write', 'high', 'shell-profile-modify'],
      ['~/.profile', 'delete', 'high', 'shell-profile-modify'],
      ['~/.bash_profile', 'read', 'low', 'shell-profile-read'],
      ['.github/workflows/ci.yml', 'write', 'high', 'ci-pipeline-modify'],
      ['.github/workflows/ci.yml', 'read', 'low', 'ci-pipeline-read'],
      ['.gitlab-ci.yml', 'edit', 'high', 'ci-pipeline-modify'],
      ['Jenkinsfile', 'delete', 'high', 'ci-pipeline-modify'],
      ['.circleci/config.yml', 'write', 'high', 'ci-pipeline-modify'],
      ['Dockerfile', 'edit', 'high', 'build-infra-modify'],
      ['docker/Dockerfile.dev', 'write', 'high', 'build-infra-modify'],
      ['docker-compose.yml', 'edit', 'high', 'build-infra-modify'],
      ['docker-compose.prod.yaml', 'delete', 'high', 'build-infra-modify'],
      ['Makefile', 'write', 'high', 'build-infra-modify'],
      ['Makefile', 'read', 'low', 'build-infra-read'],
      ['deploy/k8s/deployment.yaml', 'edit', 'high', 'build-infra-modify'],
      ['infra/main.tf', 'write', 'high', 'build-infra-modify'],
    ]);
  });

  it('system paths: critical to change, medium to read; temporary directories stay low', () => {
    expectCases([
      ['/etc/passwd', 'read', 'medium', 'system-path-read'],
      ['/etc/hosts', 'write', 'critical', 'system-path-modify'],
      ['/usr/local/bin/node', 'delete', 'critical', 'system-path-modify'],
      ['/bin/sh', 'edit', 'critical', 'system-path-modify'],
      ['/sbin/init', 'read', 'medium', 'system-path-read'],
      ['/boot/grub/grub.cfg', 'write', 'critical', 'system-path-modify'],
      ['/var/log/syslog', 'edit', 'critical', 'system-path-modify'],
      ['/System/Library/CoreServices/SystemVersion.plist', 'read', 'medium', 'system-path-read'],
      ['C:/Windows/System32/drivers/etc/hosts', 'write', 'critical', 'system-path-modify'],
      ['/home/me/project/../../../etc/shadow', 'write', 'critical', 'system-path-modify'],
      ['etc/passwd', 'write', 'low', undefined],
      ['/tmp/agent-scratch.txt', 'write', 'low', 'temp-files'],
      ['/var/tmp/cache.bin', 'delete', 'low', 'temp-files'],
      ['/var/folders/x1/abc/T/out.json', 'edit', 'low', 'temp-files'],
    ]);
  });

  it('git internals: high to change, default to read', () => {
    expectCases([
      ['.git/config', 'write', 'high', 'git-internals-modify'],
      ['repo/.git/hooks/pre-commit', 'edit', 'high', 'git-internals-modify'],
      ['.git', 'delete', 'high', 'git-internals-modify'],
      ['.git/HEAD', 'read', 'low', undefined],
      ['.github/CODEOWNERS', 'write', 'low', undefined],
      ['.gitignore', 'edit', 'low', undefined],
    ]);
  });

  it('lockfiles: medium to change; manifests: medium to write or edit', () => {
    expectCases([
      ['package-lock.json', 'edit', 'medium', 'lockfile-modify'],
      ['web/yarn.lock', 'write', 'medium', 'lockfile-modify'],
      ['pnpm-lock.yaml', 'delete', 'medium', 'lockfile-modify'],
      ['Cargo.lock', 'write', 'medium', 'lockfile-modify'],
      ['poetry.lock', 'edit', 'medium', 'lockfile-modify'],
      ['Gemfile.lock', 'write', 'medium', 'lockfile-modify'],
      ['go.sum', 'edit', 'medium', 'lockfile-modify'],
      ['composer.lock', 'write', 'medium', 'lockfile-modify'],
      ['package-lock.json', 'read', 'low', undefined],
      ['package.json', 'edit', 'medium', 'manifest-modify'],
      ['apps/api/package.json', 'write', 'medium', 'manifest-modify'],
      ['requirements-dev.txt', 'edit', 'medium', 'manifest-modify'],
      ['requirements.txt', 'write', 'medium', 'manifest-modify'],
      ['pyproject.toml', 'edit', 'medium', 'manifest-modify'],
      ['go.mod', 'write', 'medium', 'manifest-modify'],
      ['Cargo.toml', 'edit', 'medium', 'manifest-modify'],
      ['Gemfile', 'write', 'medium', 'manifest-modify'],
      ['package.json', 'read', 'low', undefined],
      ['package.json', 'delete', 'medium', 'delete-any'],
    ]);
  });

  it('any other delete is medium; deleting a root, home, drive or working directory is critical', () => {
    expectCases([
      ['src/app.ts', 'delete', 'medium', 'delete-any'],
      ['/home/me/notes.md', 'delete', 'medium', 'delete-any'],
      ['../sibling/readme.md', 'delete', 'medium', 'delete-any'],
      ['src/app.ts', 'write', 'low', undefined],
      ['/', 'delete', 'critical', 'broad-delete'],
      ['~', 'delete', 'critical', 'broad-delete'],
      ['~/', 'delete', 'critical', 'broad-delete'],
      ['.', 'delete', 'critical', 'broad-delete'],
      ['../..', 'delete', 'critical', 'broad-delete'],
      ['C:\\', 'delete', 'critical', 'broad-delete'],
      ['.', 'read', 'low', undefined],
    ]);
  });

  it('normalises Windows paths', () => {
    expectCases([
      ['C:\\Users\\me\\.ssh\\id_rsa', 'read', 'high', 'private-key-read'],
      ['C:\\Windows\\System32\\drivers\\etc\\hosts', 'write', 'critical', 'system-path-modify'],
      ['d:\\windows\\win.ini', 'read', 'medium', 'system-path-read'],
      ['C:\\repo\\.github\\workflows\\ci.yml', 'edit', 'high', 'ci-pipeline-modify'],
      ['C:\\repo\\.git\\config', 'write', 'high', 'git-internals-modify'],
      ['C:\\repo\\src\\main.ts', 'delete', 'medium', 'delete-any'],
      ['\\\\server\\share\\.env', 'read', 'high', 'env-file-read'],
    ]);
  });

  it('matches case-insensitively', () => {
    expectCases([
      ['/ETC/Passwd', 'write', 'critical', 'system-path-modify'],
      ['config/SECRETS.YAML', 'read', 'high', 'credentials-read'],
      ['.ENV', 'write', 'critical', 'env-file-modify'],
      ['.Env.Example', 'read', 'low', 'env-template'],
      ['dockerfile', 'edit', 'high', 'build-infra-modify'],
      ['C:\\WINDOWS\\system32\\kernel32.dll', 'delete', 'critical', 'system-path-modify'],
      ['~/.SSH/ID_RSA', 'read', 'high', 'private-key-read'],
    ]);
  });

  it('relative paths that climb out of the project still match', () => {
    expectCases([
      ['../../.env', 'read', 'high', 'env-file-read'],
      ['./.env', 'write', 'critical', 'env-file-modify'],
      ['../.git/config', 'edit', 'high', 'git-internals-modify'],
    ]);
  });

  it('checks secrets before system paths and example env files before .env.*', () => {
    expectCases([
      ['/etc/ssl/private/server.key', 'read', 'high', 'private-key-read'],
      ['/tmp/.env', 'write', 'critical', 'env-file-modify'],
      ['.env.example', 'edit', 'low', 'env-template'],
    ]);
  });

  it('returns the low default with no rule when nothing matches', () => {
    expect(classifier.classify('src/index.ts', 'read')).toEqual({
      level: 'low',
      reason: 'no rule matched',
    });
    expect(classifier.classify('', 'delete')).toEqual({ level: 'low', reason: 'no rule matched' });
    expect(new RiskClassifier([]).classify('.env', 'write')).toEqual({
      level: 'low',
      reason: 'no rule matched',
    });
  });

  it('reports the reason of the matching rule', () => {
    expect(classifier.classify('.env', 'read')).toEqual({
      level: 'high',
      reason: 'environment file that usually holds secrets',
      rule: 'env-file-read',
    });
  });

  it('gives each "-modify" rule a "-read" twin with the same patterns where one exists', () => {
    const byId = new Map(DEFAULT_RISK_RULES.map((rule) => [rule.id, rule]));
    for (const rule of DEFAULT_RISK_RULES.filter((r) => r.id.endsWith('-modify'))) {
      const twin = byId.get(rule.id.replace(/-modify$/, '-read'));
      if (twin)
        expect({ id: twin.id, patterns: twin.patterns }).toEqual({
          id: twin.id,
          patterns: rule.patterns,
        });
    }
  });
});

describe('RiskClassifier rule order and operations', () => {
  const typescript: RiskRule = {
    id: 'typescript',
    patterns: ['**/*.ts'],
    level: 'high',
    reason: 'typescript source',
  };
  const src: RiskRule = { id: 'src', patterns: ['src/**'], level: 'medium', reason: 'source dir' };

  it('lets the first matching rule win', () => {
    expect(new RiskClassifier([typescript, src]).classify('src/a.ts', 'edit').rule).toBe(
      'typescript',
    );
    expect(new RiskClassifier([src, typescript]).classify('src/a.ts', 'edit').rule).toBe('src');
  });

  it('skips rules whose operations do not include the operation', () => {
    const deleteOnly: RiskRule = { ...typescript, id: 'delete-ts', operations: ['delete'] };
    const rules = new RiskClassifier([deleteOnly, src]);
    expect(rules.classify('src/a.ts', 'delete').rule).toBe('delete-ts');
    expect(rules.classify('src/a.ts', 'write').rule).toBe('src');
  });
});

describe('normaliseRiskPath', () => {
  it.each([
    ['C:\\x\\.env', 'C:/x/.env'],
    ['./a//b/', 'a/b'],
    ['/home/me/../../etc/passwd', '/etc/passwd'],
    ['../../.env', '.env'],
    ['~/.ssh/id_rsa', '~/.ssh/id_rsa'],
    ['/', '/'],
    ['', ''],
  ])('%s → %s', (input, expected) => {
    expect(normaliseRiskPath(input)).toBe(expected);
  });
});

describe('loadRiskRules', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'agentpulse-risk-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function rulesFile(name: string, content: unknown): string {
    const file = join(dir, name);
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
    return file;
  }

  const valid = { id: 'ok', patterns: ['**/*.secret'], level: 'high', reason: 'a secret' };

  it('returns a copy of the defaults without a file', () => {
    const rules = loadRiskRules();
    expect(rules).toEqual(DEFAULT_RISK_RULES);
    rules[0].level = 'low';
    rules.pop();
    expect(DEFAULT_RISK_RULES[0].level).toBe('critical');
    expect(loadRiskRules()).toHaveLength(DEFAULT_RISK_RULES.length);
  });

  it('reads a user file, which replaces the defaults', () => {
    const file = rulesFile('good.json', {
      rules: [valid, { ...valid, id: 'del', operations: ['delete'], level: 'critical' }],
    });
    const rules = loadRiskRules(file);
    expect(rules.map((rule) => rule.id)).toEqual(['ok', 'del']);
    const classifier = new RiskClassifier(rules);
    expect(classifier.classify('x/A.SECRET', 'read')).toMatchObject({ level: 'high', rule: 'ok' });
    expect(classifier.classify('.env', 'write').rule).toBeUndefined();
  });

  it('names the file, the rule index and id, and the bad field', () => {
    const file = rulesFile('bad-level.json', {
      rules: [valid, { ...valid, id: 'bad', level: 'severe' }],
    });
    expect(() => loadRiskRules(file)).toThrow(file);
    expect(() => loadRiskRules(file)).toThrow(/rules\[1\] \(id "bad"\)\.level: /);
  });

  it.each([
    [
      'misspelt key',
      { ...valid, operation: ['read'] },
      /rules\[0\] \(id "ok"\): Unrecognized key.*"operation"/,
    ],
    [
      'unknown operation',
      { ...valid, operations: ['move'] },
      /rules\[0\] \(id "ok"\)\.operations\[0\]/,
    ],
    ['empty patterns', { ...valid, patterns: [] }, /rules\[0\] \(id "ok"\)\.patterns: /],
    [
      'backslash pattern',
      { ...valid, patterns: ['C:\\Windows\\**'] },
      /\.patterns\[0\]: use forward slashes/,
    ],
    [
      'missing reason',
      { id: 'x', patterns: ['a'], level: 'low' },
      /rules\[0\] \(id "x"\)\.reason: /,
    ],
    ['missing id', { patterns: ['a'], level: 'low', reason: 'r' }, /rules\[0\]\.id: /],
  ])('rejects a rule with a %s', (_name, rule, message) => {
    expect(() => loadRiskRules(rulesFile('bad-rule.json', { rules: [rule] }))).toThrow(message);
  });

  it('rejects duplicate ids, a missing rules list, bad JSON and a missing file', () => {
    const dup = rulesFile('dup.json', { rules: [valid, valid] });
    expect(() => loadRiskRules(dup)).toThrow(/rules\[1\] \(id "ok"\)\.id: duplicate id "ok"/);
    expect(() => loadRiskRules(rulesFile('array.json', [valid]))).toThrow(
      /array\.json: top level: expected an object like/,
    );
    expect(() => loadRiskRules(rulesFile('broken.json', '{ "rules": ['))).toThrow(
      /invalid JSON in risk rules file .*broken\.json/,
    );
    expect(() => loadRiskRules(join(dir, 'missing.json'))).toThrow(
      /cannot read risk rules file .*missing\.json/,
    );
  });
});
