/**
 * Saying why a request did not complete, from whatever a transport failed with (a `fetch` TypeError wrapping an
 * undici error, a Node system error, an `AggregateError` of both address families…): one readable sentence naming
 * the host and port, the error's code, and a copy of the error that holds nothing of the request.
 *
 * @internal
 */

export interface Described {
  readonly description: string
  readonly code?: string
  readonly cause?: Error
}

interface ErrorLike {
  readonly name?: unknown
  readonly message?: unknown
  readonly code?: unknown
  readonly cause?: unknown
  readonly errors?: unknown
  readonly address?: unknown
  readonly port?: unknown
  readonly hostname?: unknown
}

const isObject = (u: unknown): u is ErrorLike => typeof u === "object" && u !== null

const text = (u: unknown): string | undefined => (typeof u === "string" && u.length > 0 ? u : undefined)

// The errors behind `error`, innermost last: `cause` chains and the members of an AggregateError (Node's
// happy-eyeballs connect fails with one per address). Bounded, since a hostile cause chain may loop.
const chain = (error: unknown): Array<ErrorLike> => {
  const out: Array<ErrorLike> = []
  const queue: Array<unknown> = [error]
  while (queue.length > 0 && out.length < 16) {
    const next = queue.shift()
    if (!isObject(next) || out.includes(next)) continue
    out.push(next)
    try {
      if (Array.isArray(next.errors)) queue.push(...next.errors.slice(0, 4))
      queue.push(next.cause)
    } catch {
      // A getter that throws: stop looking deeper.
    }
  }
  return out
}

const tlsCodes = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_REVOKED",
  "CERT_UNTRUSTED",
  "CERT_REJECTED",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "ERR_SSL_WRONG_VERSION_NUMBER"
])

const sentence = (code: string, at: string, source: ErrorLike): string | undefined => {
  switch (code) {
    case "ECONNREFUSED":
      return `connection refused by ${at}`
    case "ENOTFOUND":
    case "EAI_AGAIN":
    case "EAI_FAIL":
    case "EAI_NONAME":
      return `DNS lookup failed for ${text(source.hostname) ?? at.replace(/:\d+$/, "")} (${code})`
    case "ECONNRESET":
    case "EPIPE":
    case "UND_ERR_SOCKET":
      return `the connection to ${at} was reset or closed by the server before the response was complete`
    case "ETIMEDOUT":
    case "UND_ERR_CONNECT_TIMEOUT":
      return `connecting to ${at} timed out`
    case "UND_ERR_HEADERS_TIMEOUT":
    case "UND_ERR_BODY_TIMEOUT":
      return `${at} stopped responding`
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return `${at} is unreachable (${code})`
    case "UND_ERR_DESTROYED":
    case "UND_ERR_CLOSED":
      return "the HTTP client was already closed (the layer that provided it has been released)"
    default:
      return tlsCodes.has(code) || code.startsWith("ERR_TLS") || code.startsWith("ERR_SSL")
        ? `the TLS certificate of ${at} was rejected (${code})`
        : undefined
  }
}

/**
 * Describes a transport failure of a request to `url`. `scrub` removes anything that must not show (the key).
 */
export const describeTransport = (error: unknown, url: string, scrub: (text: string) => string): Described => {
  let at: string
  try {
    const parsed = new URL(url)
    at = `${parsed.hostname}:${parsed.port === "" ? (parsed.protocol === "https:" ? "443" : "80") : parsed.port}`
  } catch {
    at = "the server"
  }
  const errors = chain(error)
  let description: string | undefined
  let code: string | undefined
  let source: ErrorLike | undefined
  // The innermost error with a code says most (`fetch failed` wraps `connect ECONNREFUSED`).
  for (let i = errors.length - 1; i >= 0 && description === undefined; i--) {
    const candidate = errors[i]!
    const candidateCode = text(candidate.code)
    if (candidateCode === undefined) continue
    const address = text(candidate.address)
    const port = typeof candidate.port === "number" ? String(candidate.port) : undefined
    description = sentence(
      candidateCode,
      address !== undefined && port !== undefined ? `${address}:${port}` : at,
      candidate
    )
    code = candidateCode
    source = candidate
  }
  if (description === undefined) {
    // No code we know: the innermost message that says something.
    source = [...errors].reverse().find((e) => text(e.message) !== undefined && e.message !== "fetch failed") ??
      errors[0]
    const message = source === undefined ? undefined : text(source.message)
    description = message === undefined ? `the request to ${at} failed` : `the request to ${at} failed: ${message}`
    code = source === undefined ? undefined : text(source.code)
  }
  description = scrub(description)
  if (source === undefined) return { description, ...(code === undefined ? {} : { code }) }
  const copy = new Error(scrub(text(source.message) ?? description))
  copy.name = text(source.name) ?? "Error"
  if (code !== undefined) (copy as Error & { code?: string }).code = code
  return { description, ...(code === undefined ? {} : { code }), cause: copy }
}
