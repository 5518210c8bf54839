import { z } from 'zod';

/** Members shared by many actions, with Cognito's limits and patterns. */
export const userPoolId = z
  .string()
  .min(1)
  .max(55)
  .regex(/^[\w-]+_[0-9a-zA-Z]+$/);
export const clientId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[\w+]+$/);
export const nextToken = z
  .string()
  .min(1)
  .max(131072)
  .regex(/^[\S]+$/);
export const secretHash = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[\w+=/]+$/);
export const username = z.string().min(1).max(128);
export const accessToken = z.string().min(1).max(131072);
export const password = z.string().min(1).max(256);
export const attributeType = z.object({ Name: z.string().min(1).max(32), Value: z.string().max(2048).optional() });
export const clientMetadata = z.record(z.string(), z.string()).optional();
