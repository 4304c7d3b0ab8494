// The layer rule of docs/DECISIONS.md "Layers": src/ → sip/ → rating/ → core/, no upward import and no
// import cycle anywhere, checked by dependency-cruiser with the repository's .dependency-cruiser.cjs. The
// second case proves the check bites: a module that imports upwards is reported.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { cruise, type ICruiseResult, type IViolation } from 'dependency-cruiser';
import { afterAll, describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const ruleSet = require('../.dependency-cruiser.cjs') as { forbidden: unknown[]; options: object };
const LAYERS = ['core', 'rating', 'sip', 'src', 'scripts', 'bench', 'test'];

async function violationsIn(paths: string[], baseDir = process.cwd()): Promise<IViolation[]> {
  const result = await cruise(paths, { ...ruleSet.options, baseDir, ruleSet: { forbidden: ruleSet.forbidden } as never, validate: true });
  return (result.output as ICruiseResult).summary.violations;
}

const describeViolation = (v: IViolation): string => `${v.rule.name}: ${v.from} → ${v.to}${v.cycle ? ` (${v.cycle.map((c) => c.name).join(' → ')})` : ''}`;

describe('layers', () => {
  // The probe is a tree of its own outside the repository, so that parallel runs never see it.
  const probe = mkdtempSync(join(tmpdir(), 'solde-layers-'));
  afterAll(() => rmSync(probe, { recursive: true, force: true }));

  it('has no upward import and no cycle', async () => {
    expect((await violationsIn(LAYERS)).map(describeViolation)).toEqual([]);
  }, 120_000);

  it('reports a rating module that imports src/ and a cycle', async () => {
    mkdirSync(join(probe, 'rating'));
    mkdirSync(join(probe, 'src'));
    writeFileSync(join(probe, 'src/metrics.ts'), 'export const m = 1;\n');
    writeFileSync(join(probe, 'rating/a.ts'), "import '../src/metrics';\nimport './b';\nexport const a = 1;\n");
    writeFileSync(join(probe, 'rating/b.ts'), "import './a';\nexport const b = 1;\n");
    const rules = new Set((await violationsIn(['rating', 'src'], probe)).map((v) => v.rule.name));
    expect([...rules].sort()).toEqual(['no-circular', 'rating-below-sip-and-src']);
  }, 120_000);
});
