// Shared by the interop scripts the Go tests run (internal/nodetest): the
// JSON input they read from stdin.

// readStdin reads all of stdin and parses it as JSON.
export async function readStdin() {
  const chunks = [];
  for await (const c of process.stdin) {
    chunks.push(c);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}
