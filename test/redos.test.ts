/**
 * No regular expression in the bot can backtrack for long on any input: each
 * one in `src/` and `commands/` is checked with recheck
 * (https://makenowjust-labs.github.io/recheck/, the `recheck` package), which
 * finds exponential and polynomial (ReDoS) patterns by automata analysis (and
 * by fuzzing where that cannot apply, each attack then confirmed on the real
 * engine), and the test fails on any it finds vulnerable.
 *
 * Regex literals are found by parsing the source with the TypeScript compiler
 * API, not by a text search. Patterns built at run time (`new RegExp(…)`) are
 * caught as the modules that build them load: `RegExp` is wrapped while they
 * are imported, and every call site must have been seen.
 */
import { relative } from 'node:path';
import { check } from 'recheck';
import { SyntaxKind, skipTrivia } from 'typescript/unstable/ast';
import { API } from 'typescript/unstable/sync';
import { describe, expect, it, vi } from 'vitest';

const ROOT = new URL('..', import.meta.url).pathname;
const CHECKED = /\/(src|commands)\//;
/** A stack frame's file and line: `at f (/path/file.ts:12:5)` or `at /path/file.ts:12:5`. */
const STACK_FRAME = /at (?:.* \()?(?:file:\/\/)?(\/[^:()]+):(\d+):\d+\)?$/;

interface Pattern {
  /** `file:line`. */
  where: string;
  source: string;
  flags: string;
}

interface SourcePatterns {
  literals: Pattern[];
  /** Where `RegExp(…)` or `new RegExp(…)` is called, as `file:line`. */
  calls: string[];
}

/** Every regex literal and `RegExp` call site in the checked folders, from the compiler's syntax trees. */
function findPatterns(): SourcePatterns {
  const api = new API({ cwd: ROOT });
  try {
    const program = api.updateSnapshot({ openProject: 'tsconfig.json' }).getProjects()[0]?.program;
    if (!program) throw new Error('tsconfig.json gave no program');
    const literals: Pattern[] = [];
    const calls: string[] = [];
    for (const fileName of program.getSourceFileNames()) {
      const file = relative(ROOT, fileName);
      if (!CHECKED.test(`/${file}`) || file.includes('node_modules')) continue;
      const sourceFile = program.getSourceFile(fileName);
      if (!sourceFile) continue;
      const text = sourceFile.text;
      const where = (node: Node) =>
        `${file}:${text.slice(0, skipTrivia(text, node.pos)).split('\n').length}`;
      const visit = (node: Node): void => {
        if (node.kind === SyntaxKind.RegularExpressionLiteral) {
          const literal = (node as unknown as { text: string }).text;
          const slash = literal.lastIndexOf('/');
          literals.push({
            where: where(node),
            source: literal.slice(1, slash),
            flags: literal.slice(slash + 1),
          });
        } else if (isRegExpCall(node)) {
          calls.push(where(node));
        }
        node.forEachChild(visit);
      };
      visit(sourceFile as unknown as Node);
    }
    return { literals, calls };
  } finally {
    api.close();
  }
}

/** The parts of the compiler's nodes this test reads. */
interface Node {
  kind: SyntaxKind;
  pos: number;
  forEachChild(visitor: (node: Node) => void): void;
}

function isRegExpCall(node: Node): boolean {
  if (node.kind !== SyntaxKind.NewExpression && node.kind !== SyntaxKind.CallExpression) {
    return false;
  }
  const callee = (node as unknown as { expression?: { kind: SyntaxKind; text?: string } })
    .expression;
  return callee?.kind === SyntaxKind.Identifier && callee.text === 'RegExp';
}

/**
 * The patterns the given modules build with `RegExp(…)` while they load,
 * each with the `file:line` of the checked code that built it.
 */
async function patternsBuiltOnLoad(files: readonly string[]): Promise<Pattern[]> {
  const built: Pattern[] = [];
  const NativeRegExp = globalThis.RegExp;
  const record = (args: unknown[]) => {
    const caller = new Error().stack
      ?.split('\n')
      .map((frame) => STACK_FRAME.exec(frame))
      .find((frame) => frame && CHECKED.test(frame[1] ?? '') && frame[1]?.startsWith(ROOT));
    if (!caller) return;
    const pattern = new NativeRegExp(args[0] as string | RegExp, args[1] as string | undefined);
    built.push({
      where: `${relative(ROOT, caller[1] ?? '')}:${caller[2]}`,
      source: pattern.source,
      flags: pattern.flags,
    });
  };
  globalThis.RegExp = new Proxy(NativeRegExp, {
    construct(target, args, newTarget) {
      record(args);
      return Reflect.construct(target, args, newTarget);
    },
    apply(target, thisArg, args) {
      record(args);
      return Reflect.apply(target, thisArg, args);
    },
  });
  // Other test files in this worker may have loaded these modules already (isolate: false):
  // load them afresh, so that what they build on load is built again, under the proxy.
  vi.resetModules();
  try {
    for (const file of files) await import(`${ROOT}${file}`);
  } finally {
    globalThis.RegExp = NativeRegExp;
  }
  return built;
}

/**
 * Why a pattern is unsafe, or null when it is safe. recheck decides by
 * automata theory where it can and by fuzzing (seeded, so runs repeat) where
 * it cannot. An attack fuzzing finds counts as it is: recheck's recall
 * validation would time the attack on the real engine, and a timed check fails
 * on a busy machine. A check that cannot finish counts as unsafe.
 */
async function verdict(pattern: Pattern): Promise<string | null> {
  const diagnostics = await check(pattern.source, pattern.flags, {
    // Automata for small patterns; the analysis of large Unicode ones takes minutes, so fuzz those.
    maxNFASize: 5_000,
    timeout: 120_000,
    randomSeed: 1,
    recallTimeout: -1, // negative: no recall validation (see above)
  });
  if (diagnostics.status === 'safe') return null;
  const detail =
    diagnostics.status === 'vulnerable'
      ? `${diagnostics.complexity.type}, e.g. ${diagnostics.attack.pattern}`
      : diagnostics.error.kind;
  return `${pattern.where} /${pattern.source}/${pattern.flags}: ${detail}`;
}

async function mapTwoAtATime<T, R>(
  items: readonly T[],
  map: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const position = next++;
      results[position] = await map(items[position] as T);
    }
  };
  await Promise.all([worker(), worker()]);
  return results;
}

describe('regular expressions', () => {
  it('are all safe from catastrophic backtracking (recheck)', { timeout: 600_000 }, async () => {
    const { literals, calls } = findPatterns();
    expect(literals.length).toBeGreaterThan(50);
    const files = new Set(calls.map((call) => call.slice(0, call.lastIndexOf(':'))));
    const built = await patternsBuiltOnLoad([...files]);
    const seen = new Set(built.map((pattern) => pattern.where));
    // A RegExp built inside a function is not built on load, so this test cannot check it.
    expect(calls.filter((call) => !seen.has(call))).toEqual([]);
    // Two at a time, as recheck's agent process can.
    const verdicts = await mapTwoAtATime([...literals, ...built], verdict);
    const vulnerable = verdicts.filter((verdict) => verdict !== null);
    expect(vulnerable).toEqual([]);
  });

  it('finds a vulnerable pattern when there is one, with the options the check above uses', async () => {
    const pattern = {
      where: 'example',
      source: '^\\s*(<!--[\\s\\S]*?-->\\s*)*<(html|body)\\b',
      flags: 'i',
    };
    expect(await verdict(pattern)).toMatch(/^example .*: exponential/);
  });
});
