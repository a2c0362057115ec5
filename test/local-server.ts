/**
 * A web server on this machine's loopback address, standing in for a news
 * site in tests of fetching articles.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A server started by {@link startLocalServer}. */
export interface LocalServer {
  port: number;
  /** `http://127.0.0.1:<port>`. */
  base: string;
  /** Ends open connections too, so a page that never finishes cannot hold the test up. */
  close(): Promise<void>;
}

/**
 * Starts `handler` on a free port of 127.0.0.1.
 *
 * @example
 * const site = await startLocalServer((req, res) => res.end('<p>Hi</p>'));
 * await fetch(`${site.base}/page`);
 * await site.close();
 */
export async function startLocalServer(handler: http.RequestListener): Promise<LocalServer> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    base: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
