import { ClientError, GraphQLClient } from 'graphql-request';
import { adminAuth } from '../support/app.js';

/** graphql-request against the running app: as an admin, as a user (access token), or anonymous. */
export const adminClient = (url: string) => new GraphQLClient(`${url}/graphql`, { headers: { authorization: adminAuth } });
export const userClient = (url: string, accessToken: string) => new GraphQLClient(`${url}/graphql`, { headers: { authorization: `Bearer ${accessToken}` } });
export const anonymousClient = (url: string) => new GraphQLClient(`${url}/graphql`);

/** The GraphQL errors' codes of a refused request (and its HTTP status). */
export async function refusal(promise: Promise<unknown>): Promise<{ status: number; codes: string[]; messages: string[] }> {
  try {
    await promise;
  } catch (error) {
    if (!(error instanceof ClientError)) throw error;
    const errors = error.response.errors ?? [];
    return { status: error.response.status, codes: errors.map((e) => String(e.extensions?.code)), messages: errors.map((e) => e.message) };
  }
  throw new Error('expected the request to be refused');
}
