/**
 * A local stand-in for Slack's incoming webhooks: an HTTP server on 127.0.0.1 (port 0) that
 * records every request with its arrival time and answers from a queue of scripted responses
 * (then `200 ok`, as Slack does).
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  /** Arrival time (ms, performance clock of this process). */
  at: number;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  raw: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export interface ScriptedResponse {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

/** The secret part of the webhook URL; tests look for it in the logs. */
export const WEBHOOK_PATH = '/services/T0000SECRET/B0000SECRET/Xy7SecretWebhookToken42';

export class FakeSlack {
  readonly requests: ReceivedRequest[] = [];
  private readonly script: ScriptedResponse[] = [];
  private server?: Server;

  /** Answer the next requests with these, in order; afterwards `200 ok`. */
  respond(...responses: ScriptedResponse[]): void {
    this.script.push(...responses);
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const at = performance.now();
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        try {
          body = JSON.parse(raw);
        } catch {
          body = undefined;
        }
        this.requests.push({ at, method: req.method ?? '', path: req.url ?? '', headers: req.headers, raw, body });
        const next = this.script.shift() ?? { status: 200, body: 'ok' };
        res.writeHead(next.status, { 'content-type': 'text/plain', ...(next.headers ?? {}) });
        res.end(next.body ?? '');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
  }

  get url(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}${WEBHOOK_PATH}`;
  }

  reset(): void {
    this.requests.length = 0;
    this.script.length = 0;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = undefined;
  }
}
