/**
 * Who may `/sources add`: the bot's owners only, nobody when none is
 * configured; the check belongs to the command, not the library.
 */
import { describe, expect, it } from 'vitest';
import { ownerRefusal } from '../../commands/sources.ts';

const OWNER = '100000000000000001';
const STRANGER = '200000000000000002';
const URL = 'https://news.example/bridge';

describe('ownerRefusal', () => {
  it('lets an owner add', () => {
    expect(ownerRefusal(URL, OWNER, [OWNER])).toBeNull();
  });

  it('refuses a non-owner, saying whom to ask', () => {
    expect(ownerRefusal(URL, STRANGER, [OWNER])).toEqual({
      status: 'refused',
      reason: 'not-owner',
      url: URL,
    });
  });

  it('refuses everyone when no owner is configured', () => {
    expect(ownerRefusal(URL, OWNER, [])).toMatchObject({ status: 'refused', reason: 'no-owners' });
  });
});
