import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoPath } from '../support/paths.js';
import { childPids, type Child, freePort, startChild, waitHttpOk } from './processes.js';

/**
 * Keycloak for the side-by-side benchmark: the `org.keycloak:keycloak-quarkus-dist` tarball from
 * Maven Central, fetched with Maven's own client (`mvn dependency:copy`, so the machine's Maven
 * set-up and local repository apply), unpacked and built once under .services/keycloak/
 * (git-ignored), then started in production mode (`start --optimized`) on loopback.
 */
export const KEYCLOAK_VERSION = process.env.KEYCLOAK_VERSION ?? '26.7.3';

/** Build-time options: a rebuild is needed when they change (kept in a marker file). */
const BUILD_OPTIONS = ['--db=postgres', '--health-enabled=true'];

const DIR = repoPath('.services/keycloak');
const home = () => join(DIR, `keycloak-${KEYCLOAK_VERSION}`);

/** A JDK of version 21 or later (Keycloak 26 needs it): KEYCLOAK_JAVA_HOME, JAVA_HOME, or the newest under /usr/lib/jvm. */
export function javaHome(): string {
  const candidates = [process.env.KEYCLOAK_JAVA_HOME, process.env.JAVA_HOME, ...jvmDirs()].filter((d): d is string => !!d);
  for (const dir of candidates) {
    const version = javaVersion(dir);
    if (version !== undefined && version >= 21) return dir;
  }
  throw new Error(`no JDK 21+ found (tried ${candidates.join(', ') || 'nothing'}): set KEYCLOAK_JAVA_HOME`);
}

function jvmDirs(): string[] {
  try {
    return readdirSync('/usr/lib/jvm')
      .map((d) => join('/usr/lib/jvm', d))
      .sort()
      .reverse();
  } catch {
    return [];
  }
}

function javaVersion(dir: string): number | undefined {
  try {
    const release = readFileSync(join(dir, 'release'), 'utf8');
    const m = /JAVA_VERSION="(\d+)/.exec(release);
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Downloads, unpacks and builds Keycloak when not done yet; returns its home folder. */
export function ensureKeycloak(log: (line: string) => void = console.log): string {
  mkdirSync(DIR, { recursive: true });
  const tarball = join(DIR, `keycloak-quarkus-dist-${KEYCLOAK_VERSION}.tar.gz`);
  if (!existsSync(tarball)) {
    log(`keycloak: fetching org.keycloak:keycloak-quarkus-dist:${KEYCLOAK_VERSION}:tar.gz with Maven`);
    execFileSync(
      'mvn',
      ['-q', '-B', 'dependency:copy', `-Dartifact=org.keycloak:keycloak-quarkus-dist:${KEYCLOAK_VERSION}:tar.gz`, `-DoutputDirectory=${DIR}`],
      { cwd: DIR, stdio: 'inherit' },
    );
  }
  if (!existsSync(join(home(), 'bin', 'kc.sh'))) {
    log(`keycloak: unpacking ${tarball}`);
    execFileSync('tar', ['xzf', tarball, '-C', DIR], { stdio: 'inherit' });
  }
  const marker = join(home(), '.cairn-build');
  const wanted = BUILD_OPTIONS.join(' ');
  if (!existsSync(marker) || readFileSync(marker, 'utf8') !== wanted) {
    log(`keycloak: build ${wanted} (Quarkus augmentation, a minute or two)`);
    execFileSync(join(home(), 'bin', 'kc.sh'), ['build', ...BUILD_OPTIONS], {
      cwd: home(),
      env: { ...process.env, JAVA_HOME: javaHome() },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    writeFileSync(marker, wanted);
  }
  return home();
}

export interface Argon2Parameters {
  memoryKib: number;
  iterations: number;
  parallelism: number;
}

export interface KeycloakProcess {
  url: string;
  /** The JVM's pid (kc.sh starts it as its child): whose memory and CPU are Keycloak's. */
  javaPid(): number;
  adminUser: string;
  adminPassword: string;
  child: Child;
  stop(): Promise<void>;
}

/**
 * Keycloak in production mode on loopback (plain HTTP, local caches, health on its
 * management port), with its argon2 provider at the given parameters, against `jdbcUrl`.
 * JVM options are Keycloak's own defaults (kc.sh: G1, -Xms64m -Xmx512m outside a container).
 */
export async function startKeycloak(options: { jdbcUrl: string; dbUser: string; dbPassword: string; argon2: Argon2Parameters }): Promise<KeycloakProcess> {
  const dir = ensureKeycloak();
  const [port, managementPort] = [await freePort(), await freePort()];
  const adminUser = 'bench-admin';
  const adminPassword = `kc-${Math.random().toString(36).slice(2)}-${Date.now()}`;
  const args = [
    'start',
    '--optimized',
    '--http-enabled=true',
    '--http-host=127.0.0.1',
    `--http-port=${port}`,
    `--http-management-port=${managementPort}`,
    '--hostname-strict=false',
    '--cache=local',
    `--db-url=${options.jdbcUrl}`,
    `--db-username=${options.dbUser}`,
    `--db-password=${options.dbPassword}`,
    `--spi-password-hashing--argon2--type=id`,
    `--spi-password-hashing--argon2--memory=${options.argon2.memoryKib}`,
    `--spi-password-hashing--argon2--iterations=${options.argon2.iterations}`,
    `--spi-password-hashing--argon2--parallelism=${options.argon2.parallelism}`,
  ];
  const child = startChild('keycloak', join(dir, 'bin', 'kc.sh'), args, {
    cwd: dir,
    detached: true,
    env: {
      ...process.env,
      JAVA_HOME: javaHome(),
      KC_BOOTSTRAP_ADMIN_USERNAME: adminUser,
      KC_BOOTSTRAP_ADMIN_PASSWORD: adminPassword,
    },
  });
  const javaPid = () => childPids(child.child.pid!).at(0) ?? child.child.pid!;
  try {
    // First start on an empty database: schema creation and the master realm take a minute or more here, several on a busy machine.
    await waitHttpOk(`http://127.0.0.1:${managementPort}/health/ready`, child, 900_000);
  } catch (error) {
    await child.stop();
    throw error;
  }
  return { url: `http://127.0.0.1:${port}`, javaPid, adminUser, adminPassword, child, stop: () => child.stop(30_000) };
}
