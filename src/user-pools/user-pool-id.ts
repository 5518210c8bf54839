import { randomInt } from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Cognito-shaped pool id: `<region>_<9 letters and digits>`. */
export function newUserPoolId(region: string): string {
  let suffix = '';
  for (let i = 0; i < 9; i++) suffix += ALNUM[randomInt(ALNUM.length)];
  return `${region}_${suffix}`;
}

export const USER_POOL_ID = /^[\w-]+_[0-9a-zA-Z]+$/;
