import http from 'node:http';

/**
 * The one HTTP client both services get: keep-alive HTTP/1.1 over node:http with a socket per
 * closed-loop worker (less client work per call than fetch, so the load generator's own cost
 * stays small and equal for both). Worker n connects from its own loopback address
 * (127.0.1.<n+1>), as distinct users do: this service's sign-in guard counts guesses in flight
 * per source address, so 32 loops from one address would measure that limit.
 */
export interface Answer {
  status: number;
  body: string;
}

export class HttpLoad {
  private readonly agents: http.Agent[];
  private readonly host: string;
  private readonly port: number;

  constructor(base: string, workers: number) {
    const url = new URL(base);
    this.host = url.hostname;
    this.port = Number(url.port);
    this.agents = Array.from({ length: workers }, () => new http.Agent({ keepAlive: true, maxSockets: 1, maxFreeSockets: 1 }));
  }

  request(method: string, path: string, body: string | undefined, headers: Record<string, string>, worker = 0): Promise<Answer> {
    const w = worker % this.agents.length;
    return new Promise((resolve, reject) => {
      const request = http.request(
        {
          host: this.host,
          port: this.port,
          localAddress: `127.0.1.${w + 1}`,
          path,
          method,
          agent: this.agents[w],
          headers: { ...headers, ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}) },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (c: Buffer) => chunks.push(c));
          response.on('error', reject);
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  }

  /** A JSON answer of a 200; anything else rejects with an error named after the status (and `__type` / `error` when given). */
  async json<T>(method: string, path: string, body: string | undefined, headers: Record<string, string>, worker = 0): Promise<T> {
    const a = await this.request(method, path, body, headers, worker);
    let parsed: unknown;
    try {
      parsed = JSON.parse(a.body);
    } catch {
      parsed = undefined;
    }
    if (a.status === 200 && parsed !== undefined) return parsed as T;
    const p = (parsed ?? {}) as { __type?: string; error?: string };
    const error = new Error(`${method} ${path} answered ${a.status}: ${a.body.slice(0, 300)}`);
    error.name = p.__type ?? p.error ?? `HTTP${a.status}`;
    throw error;
  }

  close(): void {
    for (const agent of this.agents) agent.destroy();
  }
}

export const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

export const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

export const basicAuth = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
