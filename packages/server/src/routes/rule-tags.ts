import type { FastifyInstance, FastifyRequest } from 'fastify';
import { OortError, type EngineApi } from '@oort/engine';
import { objectBody } from '../body.js';
import { prefixed } from '../http-errors.js';
import type { RouteContext } from '../route-context.js';
import { validateId } from '../validate-id.js';

type IdParams = { Params: { id: string } };

/** What the engine offers to change a rule's tags without replanning or restarting it. */
interface TagWriter {
  setRuleTags(id: string, tags: string[]): void;
}

function hasTagWriter(e: EngineApi): e is EngineApi & TagWriter {
  return typeof (e as Partial<TagWriter>).setRuleTags === 'function';
}

/**
 * `/rules/{id}/tags` (PUT replace, PATCH add, DELETE remove), `/rules/tags/match` (a GET with a
 * JSON body, as eKuiper), `/rules/bulkstart` and `/rules/bulkstop`.
 */
export function ruleTagRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { engine } = ctx;

  const edit = (method: 'PUT' | 'PATCH' | 'DELETE', change: (old: string[], given: string[]) => string[]) => {
    app.route<IdParams>({
      method,
      url: '/rules/:id/tags',
      handler: async (req, reply) => {
        const { id } = req.params;
        validateId(id);
        const given = tagsOf(req.body);
        await prefixed('', () => setTags(engine, id, change(currentTags(engine, id), given)));
        return reply.code(200).send();
      },
    });
  };
  edit('PUT', (_old, given) => dedup(given));
  edit('PATCH', (old, given) => dedup([...old, ...given]));
  edit('DELETE', (old, given) => old.filter((t) => !given.includes(t)));

  // Static segments win over `/rules/:id/...` in the router.
  app.get('/rules/tags/match', async (req) => {
    const tags = tagsOf(await getBody(req, ctx.config.basic.maxRequestBodyBytes));
    const rules = matching(engine, tags);
    // eKuiper's `rules` field is omitempty.
    return rules.length === 0 ? {} : { rules };
  });

  for (const action of ['start', 'stop'] as const) {
    app.post(`/rules/bulk${action}`, async (req) => {
      const tags = tagsOf(req.body);
      const ids = matching(engine, tags);
      if (ids.length === 0) throw new OortError('RULE', 'no matching rules');
      const out: { ruleId: string; success: boolean; error?: string }[] = [];
      // Not atomic, as eKuiper: each rule reports its own outcome.
      for (const ruleId of ids) {
        try {
          await (action === 'start' ? engine.startRule(ruleId) : engine.stopRule(ruleId));
          out.push({ ruleId, success: true });
        } catch (err) {
          out.push({ ruleId, success: false, error: (err as Error).message });
        }
      }
      return out;
    });
  }
}

/** Ids of the rules that carry every tag in `tags`, sorted. */
export function matching(engine: EngineApi, tags: string[]): string[] {
  return engine
    .listRules()
    .filter((r) => tags.every((t) => (r.tags ?? []).includes(t)))
    .map((r) => r.id);
}

function tagsOf(body: unknown): string[] {
  const b = objectBody(body, 'decode body error');
  const tags = b['tags'];
  if (!Array.isArray(tags) || !tags.every((t) => typeof t === 'string')) {
    throw new OortError('BAD_REQUEST', 'decode body error: tags must be an array of strings');
  }
  return tags as string[];
}

function currentTags(engine: EngineApi, id: string): string[] {
  const rule = engine.getRule(id) as { tags?: unknown };
  return Array.isArray(rule.tags) ? rule.tags.map(String) : [];
}

function dedup(tags: string[]): string[] {
  return [...new Set(tags)];
}

async function setTags(engine: EngineApi, id: string, tags: string[]): Promise<void> {
  if (hasTagWriter(engine)) return engine.setRuleTags(id, tags);
  // Until the engine has setRuleTags: an upsert with the new tags. It replans and restarts a
  // running rule, and a versioned rule refuses it (same version); see docs/rest-api.md.
  const raw = engine.getRule(id) as Record<string, unknown>;
  engine.upsertRule(id, { ...raw, tags });
  // The upsert swaps the definition in the rule's queue; answer once GET /rules shows it.
  const want = JSON.stringify(tags);
  const deadline = Date.now() + 10_000;
  while (JSON.stringify(engine.listRules().find((r) => r.id === id)?.tags ?? []) !== want && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The JSON body of a GET (fastify does not parse bodies of GET requests). */
async function getBody(req: FastifyRequest, limit: number): Promise<unknown> {
  if (req.body !== undefined) return req.body;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req.raw) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += b.length;
    if (size > limit) throw new OortError('PAYLOAD_TOO_LARGE', `Invalid body: larger than ${limit} bytes`);
    chunks.push(b);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new OortError('BAD_REQUEST', `decode body error: ${(err as Error).message}`);
  }
}
