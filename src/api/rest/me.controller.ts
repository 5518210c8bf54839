import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { RequestContext } from '../../shared/request-context.js';
import { GetUserAttributeVerificationCodeCommand, VerifyUserAttributeCommand } from '../../user-pools/commands/attribute-verification.js';
import { ChangePasswordCommand } from '../../user-pools/commands/passwords.js';
import { DeleteUserAttributesCommand, UpdateUserAttributesCommand } from '../../user-pools/commands/user-attributes.js';
import { UserLifecycleCommand } from '../../user-pools/commands/user-lifecycle.js';
import { GetUserQuery } from '../../user-pools/queries/get-user.js';
import type { FastifyReply } from 'fastify';
import { BearerToken, IfMatch, withEtag } from './conditional.js';
import { deliveryOut, userOut } from './presenters.js';
import { Ctx } from './request-context.js';
import { attributeNameParam, attributeNamesQuery, changePasswordBody, contactParam, updateAttributesBody, verifyAttributeBody } from './schemas.js';
import { parse } from './validation.js';

/**
 * Self-service: the user of the access token (`Authorization: Bearer`), in the pool that issued
 * it. The token goes to the use case as its input, which verifies it (signature, revocation,
 * global sign-out) and applies the app client's read and write permissions.
 */
@Controller('v1/me')
export class MeController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  /** The user, with the user's revision as ETag (the same as the admin route's). */
  @Get()
  async get(@BearerToken() accessToken: string, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) reply: FastifyReply) {
    const view = await this.queries.execute(new GetUserQuery({ target: { accessToken } }, ctx));
    return withEtag(reply, view.revision, userOut(view.user, view.attributes));
  }

  /** UpdateUserAttributes; If-Match makes it conditional on the user's revision (stale: 412, nothing written). */
  @Patch()
  async update(@BearerToken() accessToken: string, @Body() body: unknown, @IfMatch() expectedRevision: bigint | undefined, @Ctx() ctx: RequestContext) {
    const input = parse(updateAttributesBody, body);
    const sent = await this.commands.execute(
      new UpdateUserAttributesCommand(
        {
          target: { accessToken },
          attributes: input.attributes,
          clientMetadata: input.clientMetadata,
          ...(expectedRevision !== undefined ? { expectedRevision } : {}),
        },
        ctx,
      ),
    );
    return { codeDeliveryDetails: sent.map(deliveryOut) };
  }

  @Delete('attributes')
  @HttpCode(204)
  async deleteAttributes(@BearerToken() accessToken: string, @Query() query: unknown, @Ctx() ctx: RequestContext) {
    const names = parse(attributeNamesQuery, query)
      .names.split(',')
      .map((n) => n.trim())
      .filter(Boolean);
    await this.commands.execute(new DeleteUserAttributesCommand({ target: { accessToken }, names }, ctx));
  }

  @Post('password')
  @HttpCode(204)
  async changePassword(@BearerToken() accessToken: string, @Body() body: unknown, @Ctx() ctx: RequestContext) {
    const input = parse(changePasswordBody, body);
    await this.commands.execute(new ChangePasswordCommand({ accessToken, previous: input.previousPassword, proposed: input.proposedPassword }, ctx));
  }

  @Post('attributes/:name/verification-code')
  @HttpCode(200)
  async verificationCode(@BearerToken() accessToken: string, @Param('name') name: string, @Ctx() ctx: RequestContext) {
    const attribute = parse(attributeNameParam, name);
    return { codeDeliveryDetails: deliveryOut(await this.commands.execute(new GetUserAttributeVerificationCodeCommand({ accessToken, attribute }, ctx))) };
  }

  @Post('attributes/:name/verify')
  @HttpCode(204)
  async verify(@BearerToken() accessToken: string, @Param('name') name: string, @Body() body: unknown, @Ctx() ctx: RequestContext) {
    const attribute = parse(contactParam, name);
    await this.commands.execute(new VerifyUserAttributeCommand({ accessToken, attribute, code: parse(verifyAttributeBody, body).code }, ctx));
  }

  /** Global sign-out of the token's user. */
  @Post('sign-out')
  @HttpCode(204)
  async signOut(@BearerToken() accessToken: string, @Ctx() ctx: RequestContext) {
    await this.commands.execute(new UserLifecycleCommand({ target: { accessToken }, action: 'SignOutGlobally' }, ctx));
  }

  @Delete()
  @HttpCode(204)
  async delete(@BearerToken() accessToken: string, @Ctx() ctx: RequestContext) {
    await this.commands.execute(new UserLifecycleCommand({ target: { accessToken }, action: 'DeleteUser' }, ctx));
  }
}
