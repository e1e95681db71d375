import { definePlugin } from '@oort/sdk';
import { MySqlSink, schema } from './mysql-sink.js';

export { MySqlSink, schema } from './mysql-sink.js';
export { parseMySqlUrl } from './dsn.js';

/** The `mysql` sink: `{"mysql": {"url": "root@tcp(127.0.0.1:3306)/test", "table": "demo"}}`. */
export default definePlugin({
  sinks: {
    mysql: { create: () => new MySqlSink(), schema, about: 'Writes rule results into a MySQL/MariaDB table' },
  },
});
