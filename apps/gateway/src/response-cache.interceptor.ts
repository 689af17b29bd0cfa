import {
  Inject,
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { from, of, switchMap, tap, type Observable } from 'rxjs';
import type { Principal } from '@agentpulse/config';
import { ResponseCache } from './response-cache';

/**
 * Serves a controller's GET answers from the ResponseCache. Only for answers that depend on
 * stored data and the URL alone (not on the clock).
 */
@Injectable()
export class ResponseCacheInterceptor implements NestInterceptor {
  constructor(@Inject(ResponseCache) private readonly cache: ResponseCache) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest & { principal?: Principal }>();
    const project = request.principal?.project;
    if (request.method !== 'GET' || !project) return next.handle();
    return from(this.cache.lookup(project, request.url)).pipe(
      switchMap((cached) =>
        cached.hit ? of(cached.body) : next.handle().pipe(tap((body) => cached.store(body))),
      ),
    );
  }
}
