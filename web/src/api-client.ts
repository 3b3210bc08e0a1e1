import { client } from './api/client.gen';
import type { Problem } from './api/types.gen';
import { createSessionFetch } from './session';

/** A refusal of the API: its problem document (SPEC §8) and HTTP status. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly problem: Partial<Problem>,
  ) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
    this.name = 'ApiProblem';
  }
  get code(): string | undefined {
    return this.problem.code;
  }
}

/** The generated client, on this origin, through the session's fetch, throwing ApiProblem. */
export function configureApiClient(): void {
  client.setConfig({ baseUrl: '', fetch: createSessionFetch() as typeof fetch, throwOnError: true });
  client.interceptors.error.use((error, response) => {
    if (error instanceof ApiProblem) return error;
    const status = response?.status ?? 0;
    const problem =
      typeof error === 'object' && error !== null ? (error as Partial<Problem>) : { detail: String(error) };
    return new ApiProblem(status, problem);
  });
}
