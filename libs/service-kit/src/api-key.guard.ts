import {
  createParamDecorator,
  ForbiddenException,
  Inject,
  Injectable,
  SetMetadata,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { bearerKey, type ApiKeyRegistry, type Principal, type Scope } from '@agentpulse/config';
import type { FastifyRequest } from 'fastify';

export const API_KEYS = Symbol('API_KEYS');
const SCOPE = 'agentpulse:scope';

/** Marks a route as needing a key with this scope. Routes without it are public (health). */
export const RequireScope = (scope: Scope) => SetMetadata(SCOPE, scope);

type AuthenticatedRequest = FastifyRequest & { principal?: Principal };

/** The caller, as established by {@link ApiKeyGuard}. */
export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext) => {
  const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new UnauthorizedException('missing API key');
  return principal;
});

@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(API_KEYS) private readonly keys: ApiKeyRegistry,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const scope = this.reflector.get<Scope | undefined>(SCOPE, context.getHandler());
    if (!scope) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const principal = this.keys.authenticate(bearerKey(request.headers.authorization));
    if (!principal) {
      throw new UnauthorizedException('send a valid API key as "Authorization: Bearer <key>"');
    }
    if (!principal.scopes.has(scope)) {
      throw new ForbiddenException(`this API key lacks the "${scope}" scope`);
    }
    request.principal = principal;
    return true;
  }
}
