// The thread's side of lib/thread-messages.ts, for the threads' plain-JavaScript bodies: an error as plain data
// that survives structured cloning (revive() makes an Error of it again).
export const errorOf = (err) => ({ name: err?.name ?? 'Error', message: String(err?.message ?? err), code: err?.code, stack: err?.stack });
