/**
 * Who may `/sources add`: the bot's owners only, nobody when none is
 * configured; the check and its wording belong to the command, not the library.
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
    const result = ownerRefusal(URL, STRANGER, [OWNER]);
    expect(result?.status).toBe('refused');
    expect(result?.message).toBe(
      'Only the bot’s owners can add sources; ask one of them to add this link.',
    );
    expect(result?.url).toBe(URL);
  });

  it('refuses everyone when no owner is configured', () => {
    const result = ownerRefusal(URL, OWNER, []);
    expect(result).toMatchObject({ status: 'refused' });
    expect(result?.message).toMatch(/no bot owner is configured \(OWNER_IDS\)/);
  });
});
