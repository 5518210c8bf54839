import { UseFilters } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { Args, Context, Mutation, Query, Resolver } from '@nestjs/graphql';
import { InitiateAuthCommand } from '../../auth/commands/initiate-auth.js';
import { GetTokensFromRefreshTokenCommand, RevokeTokenCommand } from '../../auth/commands/refresh-tokens.js';
import { RespondToAuthChallengeCommand } from '../../auth/commands/respond-to-auth-challenge.js';
import { ConfirmSignUpCommand } from '../../user-pools/commands/confirm-sign-up.js';
import { ChangePasswordCommand, ConfirmForgotPasswordCommand } from '../../user-pools/commands/passwords.js';
import { ForgotPasswordCommand } from '../../user-pools/commands/send-codes.js';
import { SignUpCommand } from '../../user-pools/commands/sign-up.js';
import { UpdateUserAttributesCommand } from '../../user-pools/commands/user-attributes.js';
import { UserLifecycleCommand } from '../../user-pools/commands/user-lifecycle.js';
import { GetUserQuery } from '../../user-pools/queries/get-user.js';
import { deliveryOut, signInOut, tokensOut, userOut } from '../rest/presenters.js';
import type { AuthenticatedRequest } from '../rest/request-context.js';
import {
  attributeMap,
  challengeBody,
  changePasswordBody,
  confirmForgotPasswordBody,
  confirmSignUpBody,
  refreshBody,
  revokeBody,
  signInBody,
  signUpBody,
} from '../rest/schemas.js';
import { parse } from '../rest/validation.js';
import { GraphqlCallers, GraphqlErrorFilter, defined, toList, toMap } from './support.js';
import { AttributeInput, CodeDelivery, SignInResult, SignUpResult, Tokens, User } from './types.js';

const signInResult = (answer: Parameters<typeof signInOut>[0]) => {
  const out = signInOut(answer);
  return 'tokens' in out ? out : { challenge: { ...out.challenge, parameters: toList(out.challenge.parameters) } };
};

/** Public flows (sign-up, recovery, sign-in, tokens) and self-service with the user's access token (`me`). */
@Resolver()
@UseFilters(GraphqlErrorFilter)
export class AuthResolver {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly callers: GraphqlCallers,
  ) {}

  @Mutation(() => SignUpResult)
  async signUp(
    @Context('req') req: AuthenticatedRequest,
    @Args('poolId') poolId: string,
    @Args('username') username: string,
    @Args('password') password: string,
    @Args('attributes', { type: () => [AttributeInput], nullable: true }) attributes?: AttributeInput[],
  ) {
    const input = parse(signUpBody, { username, password, attributes: toMap(attributes) });
    const result = await this.commands.execute(
      new SignUpCommand(
        { via: { poolId }, username: input.username, password: input.password, attributes: input.attributes ?? {} },
        this.callers.anonymous(req),
      ),
    );
    return {
      userSub: result.userSub,
      userConfirmed: result.userConfirmed,
      codeDeliveryDetails: result.codeDeliveryDetails && deliveryOut(result.codeDeliveryDetails),
    };
  }

  @Mutation(() => Boolean)
  async confirmSignUp(
    @Context('req') req: AuthenticatedRequest,
    @Args('poolId') poolId: string,
    @Args('username') username: string,
    @Args('code') code: string,
  ) {
    const input = parse(confirmSignUpBody, { username, code });
    await this.commands.execute(new ConfirmSignUpCommand({ via: { poolId }, ...input }, this.callers.anonymous(req)));
    return true;
  }

  @Mutation(() => CodeDelivery)
  async forgotPassword(@Context('req') req: AuthenticatedRequest, @Args('poolId') poolId: string, @Args('username') username: string) {
    return deliveryOut(await this.commands.execute(new ForgotPasswordCommand({ via: { poolId }, username }, this.callers.anonymous(req))));
  }

  @Mutation(() => Boolean)
  async confirmForgotPassword(
    @Context('req') req: AuthenticatedRequest,
    @Args('poolId') poolId: string,
    @Args('username') username: string,
    @Args('code') code: string,
    @Args('password') password: string,
  ) {
    const input = parse(confirmForgotPasswordBody, { username, code, password });
    await this.commands.execute(new ConfirmForgotPasswordCommand({ via: { poolId }, ...input }, this.callers.anonymous(req)));
    return true;
  }

  @Mutation(() => SignInResult, { description: "Password sign-in (USER_PASSWORD_AUTH) through one of the pool's app clients" })
  async signIn(
    @Context('req') req: AuthenticatedRequest,
    @Args('poolId') poolId: string,
    @Args('clientId') clientId: string,
    @Args('username') username: string,
    @Args('password') password: string,
  ) {
    const input = parse(signInBody, { clientId, username, password });
    const answer = await this.commands.execute(
      new InitiateAuthCommand(
        { flow: input.flow, surface: 'public', clientId: input.clientId, poolId, parameters: { USERNAME: username, PASSWORD: password } },
        this.callers.anonymous(req),
      ),
    );
    return signInResult(answer);
  }

  @Mutation(() => SignInResult)
  async respondToChallenge(
    @Context('req') req: AuthenticatedRequest,
    @Args('poolId') poolId: string,
    @Args('clientId') clientId: string,
    @Args('challengeName') challengeName: string,
    @Args('session') session: string,
    @Args('responses', { type: () => [AttributeInput] }) responses: AttributeInput[],
  ) {
    const input = parse(challengeBody, { clientId, challengeName, session, responses: toMap(responses) });
    const answer = await this.commands.execute(
      new RespondToAuthChallengeCommand(
        { challenge: input.challengeName, surface: 'public', clientId: input.clientId, poolId, session: input.session, responses: input.responses },
        this.callers.anonymous(req),
      ),
    );
    return signInResult(answer);
  }

  @Mutation(() => Tokens)
  async refreshTokens(
    @Context('req') req: AuthenticatedRequest,
    @Args('clientId') clientId: string,
    @Args('refreshToken') refreshToken: string,
    @Args('clientSecret', { nullable: true }) clientSecret?: string,
  ) {
    const input = parse(refreshBody, defined({ clientId, refreshToken, clientSecret }));
    return tokensOut(await this.commands.execute(new GetTokensFromRefreshTokenCommand(input, this.callers.anonymous(req))));
  }

  @Mutation(() => Boolean)
  async revokeToken(
    @Context('req') req: AuthenticatedRequest,
    @Args('clientId') clientId: string,
    @Args('token') token: string,
    @Args('clientSecret', { nullable: true }) clientSecret?: string,
  ) {
    await this.commands.execute(new RevokeTokenCommand(parse(revokeBody, defined({ clientId, token, clientSecret })), this.callers.anonymous(req)));
    return true;
  }

  @Query(() => User, { description: 'The access token’s user (Authorization: Bearer <access token>)' })
  async me(@Context('req') req: AuthenticatedRequest) {
    const accessToken = this.callers.token(req);
    const view = await this.queries.execute(new GetUserQuery({ target: { accessToken } }, this.callers.anonymous(req)));
    const u = userOut(view.user, view.attributes);
    return { ...u, attributes: toList(u.attributes) };
  }

  @Mutation(() => [CodeDelivery])
  async updateMyAttributes(@Context('req') req: AuthenticatedRequest, @Args('attributes', { type: () => [AttributeInput] }) attributes: AttributeInput[]) {
    const accessToken = this.callers.token(req);
    const sent = await this.commands.execute(
      new UpdateUserAttributesCommand({ target: { accessToken }, attributes: parse(attributeMap, toMap(attributes)) }, this.callers.anonymous(req)),
    );
    return sent.map(deliveryOut);
  }

  @Mutation(() => Boolean)
  async changeMyPassword(
    @Context('req') req: AuthenticatedRequest,
    @Args('previousPassword') previousPassword: string,
    @Args('proposedPassword') proposedPassword: string,
  ) {
    const accessToken = this.callers.token(req);
    const input = parse(changePasswordBody, { previousPassword, proposedPassword });
    await this.commands.execute(
      new ChangePasswordCommand({ accessToken, previous: input.previousPassword, proposed: input.proposedPassword }, this.callers.anonymous(req)),
    );
    return true;
  }

  @Mutation(() => Boolean, { description: 'Global sign-out of the token’s user' })
  async signOutEverywhere(@Context('req') req: AuthenticatedRequest) {
    const accessToken = this.callers.token(req);
    await this.commands.execute(new UserLifecycleCommand({ target: { accessToken }, action: 'SignOutGlobally' }, this.callers.anonymous(req)));
    return true;
  }
}
