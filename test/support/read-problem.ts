import { z } from 'zod';
import type { ApiReply } from './api-harness.js';

const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number(),
  detail: z.string().optional(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

/** An error reply's problem+json body, checked and typed (throws when the body is not a problem document). */
export function readProblem(reply: ApiReply): z.infer<typeof problemSchema> & { status: number } {
  return problemSchema.parse(reply.body);
}
