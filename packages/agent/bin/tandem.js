#!/usr/bin/env node
// The `tandem` command: the compiled CLI does the work.
import { main } from '../dist/cli.js';

const code = await main(process.argv.slice(2));
process.exit(code);
