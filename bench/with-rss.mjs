// Runs the compiled ldh-link CLI in this process and reports its peak resident set size (getrusage
// ru_maxrss, which includes DuckDB's native memory) on stderr at exit: `maxrss_kb=<n>`.
process.on('exit', () => process.stderr.write(`maxrss_kb=${process.resourceUsage().maxRSS}\n`));
await import(new URL('../dist/cli/main.js', import.meta.url).href);
