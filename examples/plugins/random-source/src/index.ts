import { definePlugin } from '@oort/sdk';
import { RandomSource, schema } from './random-source.js';

export { RandomSource, schema, mulberry32 } from './random-source.js';

/** The `random` source: `CREATE STREAM demo () WITH (TYPE="random", FORMAT="json", CONF_KEY="ext")`. */
export default definePlugin({
  sources: {
    random: { create: () => new RandomSource(), schema, about: 'Emits random rows shaped by a pattern every interval' },
  },
});
