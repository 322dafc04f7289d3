#!/usr/bin/env node
// The compiled CLI; `npm run build` (or `npm start`, which builds first) produces it.
import '../dist/src/cli.js';
