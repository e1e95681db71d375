import { readFileSync } from 'node:fs';

export const USAGE = `Usage: oort <command> [arguments] [--server URL] [--json]

Server:
  oort server [--port N] [--host H] [--data-dir D] [--config F] [--etc-dir E] [--apply PATH]

Streams and tables:
  oort create stream <name> '<definition>'     oort create stream -f stream.sql
  oort create table <name> '<definition>'      oort create table -f table.sql
  oort show streams | show tables
  oort describe stream <name> | describe table <name>
  oort drop stream <name> [--force] | drop table <name> [--force]

Rules:
  oort create rule <id> '<json>'               oort create rule <id> -f rule.json
  oort show rules
  oort describe rule <id> | drop rule <id>
  oort start rule <id> | stop rule <id> | restart rule <id>
  oort getstatus rule <id> | gettopo rule <id>
  oort validate rule [<id>] ('<json>' | -f rule.json)
  oort ruletest <case.json>

Rulesets and files:
  oort import ruleset -f ruleset.json
  oort export ruleset <file>                   (- writes to stdout)
  oort apply <file|folder>                     create or update to match *.sql and *.json files

Plugins:
  oort create plugin <sources|sinks|functions|portables> <name> ('<json>' | -f plugin.json)
  oort show plugins <type> | describe plugin <type> <name> | drop plugin <type> <name> [-s true]
  oort plugin ...                              plugin dev kit

Global flags:
  --server URL   Oort server to talk to (env OORT_SERVER, default http://127.0.0.1:9081)
  --json         print the server's JSON responses as they are
`;

export function cliVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
