#!/usr/bin/env node
import { main } from '../dist/cli.js';

// Exit explicitly: the relay has closed everything it opened by now (stdout and stderr to pipes are synchronous on POSIX).
process.exit(await main(process.argv.slice(2)));
