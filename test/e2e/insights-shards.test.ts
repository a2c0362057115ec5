import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Insights } from '../../src/insights/insights.ts';
import { nodeArgs } from './process.ts';

const SHARDS = 3;
const ANSWERS = 200;

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'talkbot-insights-shards-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Runs one writer process; resolves with its exit code and what it wrote to stderr. */
function runShard(path: string, shard: number): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      nodeArgs('test/e2e/insights-shard-writer.ts', path, String(ANSWERS), String(shard)),
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += String(chunk);
    });
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

describe('shards sharing one insights file', () => {
  it('write at the same time into a new file without losing a record or a warning', async () => {
    const path = join(dir, 'shared.sqlite');
    const results = await Promise.all(
      Array.from({ length: SHARDS }, (_, shard) => runShard(path, shard)),
    );
    expect(results).toEqual(Array.from({ length: SHARDS }, () => ({ code: 0, stderr: '' })));
    const insights = Insights.open({
      path,
      retentionDays: 30,
      logger: { warn: () => {}, info: () => {} },
    });
    expect(insights.report(null, 30)?.totals).toMatchObject({
      questions: SHARDS * ANSWERS,
      members: SHARDS * ANSWERS,
    });
    insights.close();
  });
});
