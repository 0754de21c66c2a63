#!/usr/bin/env node
// The `tandem` command: the compiled command line does the work.
import { processIo } from '@tandem/node-client';
import { tandemCommandLine } from '../dist/index.js';

const code = await tandemCommandLine.main(process.argv.slice(2), processIo());
process.exit(code);
