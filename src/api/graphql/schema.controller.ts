import { Controller, Get, Header } from '@nestjs/common';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { printSchema } from 'graphql';

/** The GraphQL schema as SDL (checked in as docs/schema.graphql; a test compares the two). */
@Controller()
export class GraphqlSchemaController {
  constructor(private readonly host: GraphQLSchemaHost) {}

  @Get('schema.graphql')
  @Header('content-type', 'text/plain; charset=utf-8')
  @Header('cache-control', 'no-cache')
  sdl(): string {
    return `${printSchema(this.host.schema)}\n`;
  }
}
