import { z } from 'zod';

// Members and limits as in the Cognito identity API reference.
export const identityPoolId = z
  .string()
  .min(1)
  .max(55)
  .regex(/^[\w-]+:[0-9a-f-]+$/);
export const identityId = identityPoolId;
export const identityPoolName = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[\w\s+=,.@-]+$/);
export const providerName = z.string().min(1).max(128);
export const logins = z.record(providerName, z.string().min(1).max(50_000));
export const arn = z.string().min(20).max(2048);
export const roleArn = z
  .string()
  .min(20)
  .max(2048)
  .regex(/^arn:aws(-[a-z]+)*:iam::\d{12}:role\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/);
export const developerProviderName = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[\w._-]+$/);
export const developerUserIdentifier = z.string().min(1).max(1024);
export const nextToken = z.string().min(1).max(65_535);
export const maxResults = z.number().int().min(1).max(60);
export const tags = z.record(z.string().min(1).max(128), z.string().max(256));
export const principalTags = z.record(z.string().min(1).max(128), z.string().min(1).max(256));
