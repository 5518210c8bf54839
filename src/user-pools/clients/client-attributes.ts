import { InvalidParameterError } from '../../shared/domain-error.js';
import { effectiveSchema, SYSTEM_ATTRIBUTES } from '../schema.js';
import type { ActivePool } from '../user-pool.repository.js';
import type { ClientSettings } from './client.events.js';

/**
 * Cognito's rules for an app client's attribute permissions (the messages are Cognito's, which
 * names no attribute): every name must be in the pool's schema; a write list may not name the
 * attributes only the platform sets (sub, identities, the verified flags) and must include every
 * required attribute, so that any client can complete a sign-up.
 */
export function checkClientAttributes(pool: ActivePool, settings: Pick<ClientSettings, 'readAttributes' | 'writeAttributes'>): void {
  const schema = effectiveSchema(pool.settings.schema);
  const known = new Set(schema.map((a) => a.name));
  if (settings.readAttributes.some((name) => !known.has(name))) throw new InvalidParameterError('Invalid read attributes specified while creating a client');
  const write = settings.writeAttributes;
  if (write.length === 0) return;
  const required = schema.filter((a) => a.required && !SYSTEM_ATTRIBUTES.has(a.name)).map((a) => a.name);
  if (write.some((name) => !known.has(name) || SYSTEM_ATTRIBUTES.has(name)) || required.some((name) => !write.includes(name))) {
    throw new InvalidParameterError('Invalid write attributes specified while creating a client');
  }
}
