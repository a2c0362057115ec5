import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  identifySpacingMs,
  isSnapshotSavedNotice,
  planShards,
} from '../../src/discord/sharding.ts';
import { FakeDiscord } from '../e2e/fake-discord.ts';

describe('planShards', () => {
  let fake: FakeDiscord;

  beforeAll(async () => {
    fake = await FakeDiscord.start({ shardCount: 2, maxConcurrency: 4 });
  });
  afterAll(async () => {
    await fake?.close();
  });

  it("takes Discord's recommendation through the configured REST base", async () => {
    const plan = await planShards({ token: fake.token, restApi: fake.restBase });
    expect(plan).toEqual({
      shards: 2,
      spawnDelayMs: 1375,
      maxConcurrency: 4,
      recommendedShards: 2,
      remainingSessions: 1000,
    });
    expect(fake.findRequests({ method: 'GET', path: '/gateway/bot' })).toHaveLength(1);
  });

  it('runs SHARD_COUNT shards when it is set', async () => {
    const plan = await planShards({ token: fake.token, restApi: fake.restBase, shardCount: 5 });
    expect(plan).toMatchObject({ shards: 5, recommendedShards: 2 });
  });

  it('fails on a token Discord refuses', async () => {
    await expect(planShards({ token: 'wrong-token', restApi: fake.restBase })).rejects.toThrow();
  });
});

describe('identifySpacingMs', () => {
  it('keeps shards of one bucket 5.5 s apart when they start in id order', () => {
    expect(identifySpacingMs(1)).toBe(5500);
    expect(identifySpacingMs(16)).toBe(344);
    expect(16 * identifySpacingMs(16)).toBeGreaterThanOrEqual(5500);
    expect(identifySpacingMs(0)).toBe(5500);
  });
});

describe('isSnapshotSavedNotice', () => {
  it("tells talkbot's notice from discord.js's own IPC messages", () => {
    expect(isSnapshotSavedNotice({ type: 'talkbot:snapshot-saved', shard: 1 })).toBe(true);
    expect(isSnapshotSavedNotice({ _ready: true })).toBe(false);
    expect(isSnapshotSavedNotice({ type: 'talkbot:snapshot-saved' })).toBe(false);
    expect(isSnapshotSavedNotice('talkbot:snapshot-saved')).toBe(false);
    expect(isSnapshotSavedNotice(null)).toBe(false);
  });
});
