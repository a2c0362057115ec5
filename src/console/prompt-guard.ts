import { writeSync } from 'node:fs';
import { clearLine, cursorTo, type Interface } from 'node:readline';

/** Where a {@link PromptGuard} writes, and the terminal it keeps the prompt on. */
export interface PromptGuardOptions {
  /** Writes a log line; default: to stderr, synchronously. */
  write?: (line: string) => void;
  /** The stream the prompt is drawn on. Default stdout. */
  promptOutput?: NodeJS.WriteStream;
}

/**
 * Keeps log lines off the console's prompt: a line written while the prompt
 * waits on a terminal goes on a line of its own, and the prompt is drawn again
 * below it with what the operator had typed. Pass its `write` to the logger
 * as its destination.
 *
 * @example
 * const guard = new PromptGuard();
 * const logger = createLogger({ level: 'warn', destination: guard });
 * guard.attach(terminal); // once the readline interface exists
 */
export class PromptGuard {
  #terminal: Interface | null = null;
  #waiting = false;
  readonly #write: (line: string) => void;
  readonly #promptOutput: NodeJS.WriteStream;

  constructor(options: PromptGuardOptions = {}) {
    this.#write = options.write ?? ((line) => writeSync(2, line));
    this.#promptOutput = options.promptOutput ?? process.stdout;
  }

  /** The console's readline interface, whose prompt is to be kept. */
  attach(terminal: Interface): void {
    this.#terminal = terminal;
  }

  /** Whether the prompt is on screen, waiting for a line (false while a command runs). */
  setWaiting(waiting: boolean): void {
    this.#waiting = waiting;
  }

  /** Writes one log line (ending with a newline) without writing over the prompt. */
  write(line: string): void {
    this.#abovePrompt(() => this.#write(line));
  }

  /**
   * Prints text for the operator (ending with a newline) on the console's own
   * output, above the prompt, such as the result of a refresh they asked for
   * with SIGHUP.
   */
  print(text: string): void {
    this.#abovePrompt(() => this.#promptOutput.write(text));
  }

  #abovePrompt(write: () => void): void {
    const terminal = this.#terminal;
    const onPrompt = terminal !== null && this.#waiting && this.#promptOutput.isTTY === true;
    if (onPrompt) {
      cursorTo(this.#promptOutput, 0);
      clearLine(this.#promptOutput, 0);
    }
    write();
    // `true` keeps the cursor where the operator was typing.
    if (onPrompt) terminal.prompt(true);
  }
}
