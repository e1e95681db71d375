#!/usr/bin/env node
import { runCli } from '../main.js';

// Exit explicitly: HTTP keep-alive sockets or a plugin's stray timer must not keep a
// finished command (or a closed server) alive. stdout/stderr writes are synchronous for
// files, pipes and terminals on Linux, so nothing printed is lost.
void runCli(process.argv.slice(2)).then((code) => process.exit(code === 0 ? (process.exitCode ?? 0) : code));
