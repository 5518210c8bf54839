import http from 'node:http';

/** One request as the balancer passed it on. */
export interface Routed {
  upstream: number;
  /** The Cognito action (`X-Amz-Target` without its prefix), else `METHOD /path`. */
  action: string;
  status: number;
  source: string;
}

/**
 * A round-robin HTTP load balancer on loopback, as nginx or HAProxy would sit in front of the API
 * instances: each request (not each connection: clients keep their connections alive) goes to the
 * next upstream in turn, with its Host header unchanged (SigV4 signs it). Every answer carries
 * `x-cairn-upstream` and is logged, so a test can tell which instance served what.
 *
 * `source` sets the loopback address the balancer connects to upstreams from (any 127.x.y.z on
 * Linux): the instances see it as the client's address, so tests can play distinct clients
 * (the sign-in guard's per-address limit) without trusting forwarded headers.
 */
export interface RoundRobin {
  url: string;
  port: number;
  log: Routed[];
  source: string;
  /** The requests since `mark` (an index into `log`). */
  since(mark: number): Routed[];
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade']);
const TARGET_PREFIX = 'AWSCognitoIdentityProviderService.';

export async function roundRobin(upstreamPorts: readonly number[], port = 0): Promise<RoundRobin> {
  const agents = upstreamPorts.map(() => new http.Agent({ keepAlive: true, maxSockets: 64 }));
  const log: Routed[] = [];
  let turn = 0;
  const balancer: RoundRobin = {
    url: '',
    port: 0,
    log,
    source: '127.0.0.1',
    since: (mark) => log.slice(mark),
    close: async () => {
      for (const a of agents) a.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = http.createServer((req, res) => {
    const upstream = turn++ % upstreamPorts.length;
    const target = req.headers['x-amz-target'];
    const action = typeof target === 'string' ? target.replace(TARGET_PREFIX, '') : `${req.method} ${(req.url ?? '/').split('?')[0]}`;
    const source = balancer.source;
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => !HOP_BY_HOP.has(name)));
    const forward = http.request(
      { host: '127.0.0.1', port: upstreamPorts[upstream], localAddress: source, method: req.method, path: req.url, headers, agent: agents[upstream] },
      (answer) => {
        const out = Object.fromEntries(Object.entries(answer.headers).filter(([name]) => !HOP_BY_HOP.has(name)));
        res.writeHead(answer.statusCode ?? 502, { ...out, 'x-cairn-upstream': String(upstream) });
        log.push({ upstream, action, status: answer.statusCode ?? 0, source });
        answer.pipe(res);
      },
    );
    forward.on('error', (error) => {
      log.push({ upstream, action, status: 502, source });
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain', 'x-cairn-upstream': String(upstream) });
      res.end(`upstream ${upstream}: ${error.message}`);
    });
    req.pipe(forward);
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  balancer.port = (server.address() as { port: number }).port;
  balancer.url = `http://127.0.0.1:${balancer.port}`;
  return balancer;
}
