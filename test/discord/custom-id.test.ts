import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ButtonAction, CustomIdCodec } from '../../src/discord/custom-id.ts';
import { codePointLength } from '../../src/discord/text.ts';

const text = (maxLength: number) =>
  fc.string({
    unit: fc.oneof(
      fc.constantFrom(':', '#', ' ', '👍'),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
    ),
    minLength: 1,
    maxLength,
  });
const mode = fc.constantFrom('ask' as const, 'search' as const);
const action: fc.Arbitrary<ButtonAction> = fc.oneof(
  fc.record({
    kind: fc.constant('more' as const),
    mode,
    query: text(150),
    offset: fc.nat(10_000),
    article: fc.option(text(40), { nil: null }),
  }),
  fc.record({
    kind: fc.constant('retry' as const),
    mode,
    query: text(150),
    article: fc.option(text(40), { nil: null }),
  }),
  fc.record({
    kind: fc.constant('context' as const),
    article: text(120),
    paragraph: fc.integer({ min: 1, max: 999_999 }),
  }),
  fc.record({
    kind: fc.constant('vote' as const),
    vote: fc.constantFrom('up' as const, 'down' as const),
    token: fc.oneof(fc.constant(''), fc.stringMatching(/^[A-Za-z0-9_-]{18}$/)),
  }),
  fc.record({
    kind: fc.constant('insights' as const),
    days: fc.integer({ min: 1, max: 365 }),
    page: fc.nat(100),
  }),
  fc.constant({ kind: 'clearInsights' as const }),
);

describe('CustomIdCodec', () => {
  it('encodes self-contained ids in the documented format', () => {
    const codec = new CustomIdCodec();
    expect(
      codec.encode({ kind: 'more', mode: 'ask', query: 'Who led?', offset: 3, article: null }),
    ).toBe('more:a:3::Who led?');
    expect(codec.encode({ kind: 'retry', mode: 'search', query: 'a:b', article: '000_54ae' })).toBe(
      'try:s:000_54ae:a:b',
    );
    expect(codec.encode({ kind: 'context', article: '000_54ae5372d3de91ff', paragraph: 22 })).toBe(
      'ctx:22:000_54ae5372d3de91ff',
    );
  });

  it('round-trips any action within 100 code points', () => {
    const codec = new CustomIdCodec();
    fc.assert(
      fc.property(action, (a) => {
        const id = codec.encode(a);
        expect(codePointLength(id)).toBeLessThanOrEqual(100);
        expect(codec.decode(id)).toEqual({ status: 'ok', action: a });
      }),
    );
  });

  it('keeps a question that fits inline, so the button survives a restart', () => {
    const question = 'q'.repeat(90);
    const id = new CustomIdCodec().encode({
      kind: 'more',
      mode: 'ask',
      query: question,
      offset: 3,
      article: null,
    });
    expect(new CustomIdCodec().decode(id)).toMatchObject({ status: 'ok' });
  });

  it('stores a long question and reports it expired after a restart', () => {
    const long: ButtonAction = {
      kind: 'more',
      mode: 'ask',
      query: 'Who '.repeat(100),
      offset: 3,
      article: null,
    };
    const codec = new CustomIdCodec();
    const id = codec.encode(long);
    expect(id).toMatch(/^more:#[\w-]{16}$/);
    expect(codec.decode(id)).toEqual({ status: 'ok', action: long });
    expect(codec.encode(long)).toBe(id);
    expect(new CustomIdCodec().decode(id)).toEqual({ status: 'expired' });
  });

  it('forgets the least recently used stored action beyond its capacity', () => {
    const codec = new CustomIdCodec({ capacity: 2 });
    const ids = [1, 2, 3].map((n) =>
      codec.encode({ kind: 'retry', mode: 'ask', query: `${n} ${'x'.repeat(120)}`, article: null }),
    );
    expect(codec.decode(ids[0] ?? '')).toEqual({ status: 'expired' });
    expect(codec.decode(ids[1] ?? '').status).toBe('ok');
    expect(codec.decode(ids[2] ?? '').status).toBe('ok');
  });

  it('rejects ids it did not make', () => {
    const codec = new CustomIdCodec();
    for (const id of [
      '',
      'more',
      'foo:a:1::q',
      'more:x:1::q',
      'more:a:-1::q',
      'more:a:1::',
      'more:a:99999999::q',
      'try:a:',
      'ctx:0:article',
      'ctx:abc:article',
      'ctx:3:',
    ]) {
      expect(codec.decode(id), id).toEqual({ status: 'invalid' });
    }
  });

  it('does not accept a stored action under another kind', () => {
    const codec = new CustomIdCodec();
    const id = codec.encode({ kind: 'retry', mode: 'ask', query: 'y'.repeat(120), article: null });
    expect(codec.decode(id.replace(/^try/, 'more'))).toEqual({ status: 'invalid' });
  });

  it('carries votes, report pages and the clear confirmation inline, so they survive a restart', () => {
    const codec = new CustomIdCodec();
    const token = 'AbCdEfGh_-12345678';
    expect(codec.encode({ kind: 'vote', vote: 'down', token })).toBe(`vote:d:${token}`);
    expect(new CustomIdCodec().decode(`vote:u:${token}`)).toEqual({
      status: 'ok',
      action: { kind: 'vote', vote: 'up', token },
    });
    expect(new CustomIdCodec().decode('vote:u:')).toEqual({
      status: 'ok',
      action: { kind: 'vote', vote: 'up', token: '' },
    });
    expect(new CustomIdCodec().decode('ins:30:2')).toEqual({
      status: 'ok',
      action: { kind: 'insights', days: 30, page: 2 },
    });
    expect(new CustomIdCodec().decode('insclr:')).toEqual({
      status: 'ok',
      action: { kind: 'clearInsights' },
    });
  });

  it('rejects malformed votes, pages and confirmations', () => {
    const codec = new CustomIdCodec();
    for (const id of [
      'vote:x:AbCdEfGh_-12345678',
      'vote:u:short',
      'vote:u:AbCdEfGh_-12345678:extra',
      'vote:u:<@123456789012345678>',
      'ins:30',
      'ins:-1:0',
      'ins:30:101',
      'ins:thirty:0',
      'insclr:now',
    ]) {
      expect(codec.decode(id), id).toEqual({ status: 'invalid' });
    }
  });
});
